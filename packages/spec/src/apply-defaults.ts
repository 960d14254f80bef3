import type { LossName, MetricName, OptimizerType, Task } from './pipeline-types.js';

type JsonObject = Record<string, unknown>;

/** Keras' default Tokenizer filters. */
export const KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/** Keras' default learning rate of each optimizer. */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerType, number>> = {
  adam: 0.001,
  sgd: 0.01,
  rmsprop: 0.001,
  adagrad: 0.001,
};

/** Defaults that depend on the task. */
export const TASK_DEFAULTS: Readonly<Record<Task, { loss: LossName; metrics: MetricName[] }>> = {
  binaryClassification: {
    loss: 'binaryCrossentropy',
    metrics: ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix'],
  },
  multiclassClassification: {
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix'],
  },
  seq2seq: { loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
};

const RECURRENT = new Set(['simpleRnn', 'lstm', 'gru']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parent[key]` as an object, created empty when absent; undefined when it is something else. */
function section(parent: JsonObject, key: string): JsonObject | undefined {
  if (parent[key] === undefined) parent[key] = {};
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

/** Sets the keys of `defaults` that `target` lacks (an explicit value, even a wrong one, is kept). */
function fill(target: JsonObject | undefined, defaults: JsonObject): void {
  if (target === undefined) return;
  for (const [key, value] of Object.entries(defaults)) {
    if (target[key] === undefined) target[key] = value;
  }
}

function layerDefaults(layer: unknown): void {
  if (!isObject(layer)) return;
  const type = layer['type'];
  if (type === 'embedding') fill(layer, { maskZero: false });
  else if (typeof type === 'string' && RECURRENT.has(type)) {
    fill(layer, { returnSequences: false, activation: 'tanh', dropout: 0, recurrentDropout: 0 });
    if (type !== 'simpleRnn') fill(layer, { recurrentActivation: 'sigmoid' });
  } else if (type === 'bidirectional') {
    fill(layer, { mergeMode: 'concat' });
    layerDefaults(layer['layer']);
  } else if (type === 'dense') fill(layer, { activation: 'linear' });
}

function modelDefaults(model: unknown): void {
  if (!isObject(model)) return;
  if (model['type'] === undefined && Array.isArray(model['layers'])) model['type'] = 'classifier';
  if (model['type'] === 'classifier' && Array.isArray(model['layers']))
    model['layers'].forEach(layerDefaults);
  if (model['type'] === 'encoderDecoder') {
    fill(model, {
      cell: 'lstm',
      layers: 1,
      inputEncoding: isObject(model['embedding']) ? 'embedding' : 'oneHot',
      bidirectional: false,
      dropout: 0,
    });
    fill(section(model, 'decode'), { strategy: 'greedy', beamWidth: 4 });
  }
  if (model['type'] === 'graph') {
    if (Array.isArray(model['inputs'])) {
      for (const input of model['inputs']) if (isObject(input)) fill(input, { dtype: 'int32' });
    }
    if (Array.isArray(model['nodes'])) {
      for (const node of model['nodes']) if (isObject(node)) layerDefaults(node['layer']);
    }
  }
}

/**
 * Defaults stage: fills every default the format defines, some depending on `task`
 * (loss, metrics), some on other fields (learning rate per optimizer, csv/tsv header).
 * Runs before validation on any JSON value: fills only where the parent is an object and
 * the key is absent, leaving wrong values for validation to report. Pure: returns a copy.
 *
 * Missing sections `preprocess`, `train`, `evaluate`, `backend` and `data.split` are created;
 * `data` and `model` are required and never invented.
 */
export function applyDefaults(doc: unknown): unknown {
  if (!isObject(doc)) return doc;
  const out = structuredClone(doc);
  fill(out, { version: 1, seed: 42 });
  const task =
    typeof out['task'] === 'string' && out['task'] in TASK_DEFAULTS
      ? (out['task'] as Task)
      : undefined;

  const data = out['data'];
  if (isObject(data)) {
    fill(section(data, 'split'), { validation: 0.2, test: 0, shuffle: true });
    const source = data['source'];
    if (isObject(source) && source['type'] === 'csv')
      fill(source, { delimiter: ',', header: true });
    if (isObject(source) && source['type'] === 'tsv') fill(source, { header: false });
    if (isObject(source) && source['type'] === 'spamAssassin') fill(source, { headers: 'strip' });
  }

  fill(section(out, 'preprocess'), {
    type: 'words',
    filters: KERAS_FILTERS,
    lower: true,
    fitOn: 'train',
    split: ' ',
    padding: 'pre',
    truncating: 'pre',
  });

  if (task === 'seq2seq') {
    const preprocess = section(out, 'preprocess');
    for (const side of ['input', 'target']) {
      if (preprocess !== undefined)
        fill(section(preprocess, side), { type: 'chars', lower: false, start: '\t', end: '\n' });
    }
  }
  modelDefaults(out['model']);

  const train = section(out, 'train');
  if (train !== undefined) {
    const optimizer = section(train, 'optimizer');
    fill(optimizer, { type: 'adam' });
    const optimizerType = optimizer?.['type'];
    if (typeof optimizerType === 'string' && optimizerType in DEFAULT_LEARNING_RATES) {
      fill(optimizer, { learningRate: DEFAULT_LEARNING_RATES[optimizerType as OptimizerType] });
    }
    if (task !== undefined) fill(train, { loss: TASK_DEFAULTS[task].loss });
    fill(train, { epochs: 10, batchSize: 32 });
    const monitor = { monitor: 'valLoss', mode: 'auto' };
    if (isObject(train['earlyStopping']))
      fill(train['earlyStopping'], {
        ...monitor,
        patience: 0,
        minDelta: 0,
        restoreBestWeights: false,
      });
    if (isObject(train['reduceLrOnPlateau']))
      fill(train['reduceLrOnPlateau'], {
        ...monitor,
        factor: 0.1,
        patience: 10,
        minDelta: 0.0001,
        cooldown: 0,
        minLr: 0,
      });
  }

  const evaluate = section(out, 'evaluate');
  if (task !== undefined) fill(evaluate, { metrics: [...TASK_DEFAULTS[task].metrics] });
  fill(evaluate, { examples: [], threshold: 0.5 });

  fill(section(out, 'backend'), { type: 'wasm', threads: 'auto', simd: true });
  return out;
}
