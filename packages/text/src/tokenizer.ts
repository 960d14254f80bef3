import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';
import { pythonJsonObject, pythonJsonString, pythonJsonValue } from './python-json.js';
import { parseTokenizerJson } from './tokenizer-json.js';
import { KERAS_DEFAULT_FILTERS, assertSplit, textToWordSequence } from './text-to-word-sequence.js';

/** Options of Keras' `Tokenizer(num_words, filters, lower, split, char_level, oov_token, document_count)`. */
export interface TokenizerOptions {
  /** Keep indices below `numWords` at lookup time (others become the OOV index or are dropped). 0 or absent: no limit. */
  numWords?: number | undefined;
  /** Characters replaced by `split` before splitting. Default {@link KERAS_DEFAULT_FILTERS}. Ignored when `charLevel`. */
  filters?: string | undefined;
  /** Lowercase texts first (Python `str.lower`). Default true. */
  lower?: boolean | undefined;
  /** Word separator. Default `' '`. */
  split?: string | undefined;
  /** Every character (code point) is a token; `filters` and `split` are not applied. Default false. */
  charLevel?: boolean | undefined;
  /** Token given index 1 and used for out-of-vocabulary words. Default: none (unknown words are dropped). */
  oovToken?: string | undefined;
  /** Initial document count (Keras restores it from JSON). Default 0. */
  documentCount?: number | undefined;
}

/** `textsToMatrix` / `sequencesToMatrix` weighting, as in Keras. */
export type MatrixMode = 'binary' | 'count' | 'freq' | 'tfidf';

const MATRIX_MODES: readonly MatrixMode[] = ['binary', 'count', 'freq', 'tfidf'];

/**
 * Keras' legacy `keras_preprocessing.text.Tokenizer` (1.1.x), behaviour for behaviour:
 * vocabulary ranked by count (ties in first-seen order), OOV token at index 1, index 0 never
 * assigned, `numWords` applied at lookup, and `toJSON()` / `fromJSON()` in Keras' own JSON format.
 *
 * ```ts
 * const tokenizer = new Tokenizer({ numWords: 500, oovToken: '<OOV>' });
 * tokenizer.fitOnTexts(['The cat sat.', 'The dog sat!']);
 * tokenizer.textsToSequences(['the bird sat']); // [[2, 1, 3]]
 * ```
 */
export class Tokenizer {
  readonly numWords: number | undefined;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | undefined;

  #documentCount: number;
  #wordCounts = new Map<string, number>();
  #wordDocs = new Map<string, number>();
  #indexDocs = new Map<number, number>();
  #wordIndex = new Map<string, number>();
  #indexWord = new Map<number, string>();

  constructor(options: TokenizerOptions = {}) {
    const { numWords, filters, lower, split, charLevel, oovToken, documentCount } = options;
    const checks: Array<[keyof TokenizerOptions, unknown, boolean, string]> = [
      ['numWords', numWords, isCount(numWords), 'an integer >= 0'],
      ['filters', filters, typeof filters === 'string', 'a string'],
      ['lower', lower, typeof lower === 'boolean', 'true or false'],
      ['split', split, typeof split === 'string', 'a string'],
      ['charLevel', charLevel, typeof charLevel === 'boolean', 'true or false'],
      ['oovToken', oovToken, typeof oovToken === 'string', 'a string'],
      ['documentCount', documentCount, isCount(documentCount), 'an integer >= 0'],
    ];
    const issues: Issue[] = checks
      .filter(([, value, ok]) => value !== undefined && !ok)
      .map(([name, value, , expected]) => ({
        path: `/${name}`,
        message: `option "${name}" must be ${expected}`,
        expected,
        received: describeValue(value),
      }));
    if (issues.length > 0) {
      const lines = issues.map((issue) => `${issue.message}, received ${issue.received}`);
      throw new SeqpipeError(
        'SEQPIPE_TEXT_INVALID',
        `Invalid Tokenizer options: ${lines.join('; ')}.`,
        {
          issues,
        },
      );
    }
    this.numWords = numWords;
    this.filters = filters ?? KERAS_DEFAULT_FILTERS;
    this.lower = lower ?? true;
    this.split = split ?? ' ';
    this.charLevel = charLevel ?? false;
    this.oovToken = oovToken;
    this.#documentCount = documentCount ?? 0;
    if (!this.charLevel) assertSplit(this.split);
  }

  /** Number of texts (or sequences) fitted so far, plus the initial `documentCount`. */
  get documentCount(): number {
    return this.#documentCount;
  }
  /** Word -> index, OOV token first (index 1) when set, then by descending count, ties in first-seen order. */
  get wordIndex(): ReadonlyMap<string, number> {
    return this.#wordIndex;
  }
  /** Index -> word, the inverse of `wordIndex`. */
  get indexWord(): ReadonlyMap<number, string> {
    return this.#indexWord;
  }
  /** Word -> number of occurrences, in first-seen order (Keras' OrderedDict). */
  get wordCounts(): ReadonlyMap<string, number> {
    return this.#wordCounts;
  }
  /** Word -> number of texts it occurs in. */
  get wordDocs(): ReadonlyMap<string, number> {
    return this.#wordDocs;
  }
  /** Index -> number of texts (or sequences) it occurs in; tfidf's document frequency. */
  get indexDocs(): ReadonlyMap<number, number> {
    return this.#indexDocs;
  }

  /** Keras `fit_on_texts`: counts words and rebuilds `wordIndex` / `indexWord`; may be called repeatedly. */
  fitOnTexts(texts: Iterable<string | readonly string[]>): void {
    // Tokenize everything first so that a bad text leaves the tokenizer untouched.
    const documents = Array.from(texts, (text, position) =>
      this.#tokens(text, position, 'fitOnTexts'),
    );
    for (const seq of documents) {
      this.#documentCount += 1;
      for (const word of seq) this.#wordCounts.set(word, (this.#wordCounts.get(word) ?? 0) + 1);
      for (const word of new Set(seq))
        this.#wordDocs.set(word, (this.#wordDocs.get(word) ?? 0) + 1);
    }
    // Stable sort by descending count: ties keep first-seen order (Python's sort(reverse=True) is stable too).
    const ranked = [...this.#wordCounts].sort((a, b) => b[1] - a[1]);
    const sortedVocabulary = this.oovToken === undefined ? [] : [this.oovToken];
    for (const [word] of ranked) sortedVocabulary.push(word);
    // dict(zip(vocab, range(1, n + 1))): a repeated word (the OOV token also seen as a word) keeps its
    // first position and takes the last index, exactly like the Python dict.
    this.#wordIndex = new Map();
    sortedVocabulary.forEach((word, i) => this.#wordIndex.set(word, i + 1));
    this.#indexWord = new Map();
    for (const [word, index] of this.#wordIndex) this.#indexWord.set(index, word);
    for (const [word, docs] of this.#wordDocs) {
      const index = this.#wordIndex.get(word);
      if (index !== undefined) this.#indexDocs.set(index, docs);
    }
  }

  /** Keras `fit_on_sequences`: counts document frequencies of indices (for tfidf without texts). */
  fitOnSequences(sequences: ReadonlyArray<readonly number[]>): void {
    sequences.forEach((seq, i) => assertIndexSequence(seq, i, 'fitOnSequences'));
    this.#documentCount += sequences.length;
    for (const seq of sequences) {
      for (const index of new Set(seq))
        this.#indexDocs.set(index, (this.#indexDocs.get(index) ?? 0) + 1);
    }
  }

  /**
   * Keras `texts_to_sequences`: each text to word indices. Unknown words, and words whose index is
   * `>= numWords`, become the OOV index when `oovToken` is set, else are dropped. Never yields 0.
   */
  textsToSequences(texts: Iterable<string | readonly string[]>): number[][] {
    const numWords = this.numWords;
    const oovIndex = this.#oovIndex('textsToSequences');
    const out: number[][] = [];
    let position = 0;
    for (const text of texts) {
      const vect: number[] = [];
      for (const word of this.#tokens(text, position++, 'textsToSequences')) {
        const i = this.#wordIndex.get(word);
        if (i !== undefined) {
          if (numWords && i >= numWords) {
            if (oovIndex !== undefined) vect.push(oovIndex);
          } else vect.push(i);
        } else if (oovIndex !== undefined) vect.push(oovIndex);
      }
      out.push(vect);
    }
    return out;
  }

  /** Keras `sequences_to_texts`: indices back to words joined by `' '` (unknown or `>= numWords` -> OOV token or dropped). */
  sequencesToTexts(sequences: ReadonlyArray<readonly number[]>): string[] {
    const numWords = this.numWords;
    const oovIndex = this.#oovIndex('sequencesToTexts');
    const oovWord = oovIndex === undefined ? undefined : this.#indexWord.get(oovIndex);
    if (oovIndex !== undefined && oovWord === undefined) {
      throw new SeqpipeError(
        'SEQPIPE_TEXT_INVALID',
        `Tokenizer.sequencesToTexts: indexWord has no entry for the OOV index ${oovIndex}; the vocabulary is inconsistent (Keras raises KeyError here).`,
      );
    }
    return sequences.map((seq, s) => {
      if (!Array.isArray(seq)) throw notASequence(seq, s, 'sequencesToTexts');
      const vect: string[] = [];
      for (const num of seq) {
        const word = this.#indexWord.get(num);
        if (word !== undefined) {
          if (numWords && num >= numWords) {
            if (oovWord !== undefined) vect.push(oovWord);
          } else vect.push(word);
        } else if (oovWord !== undefined) vect.push(oovWord);
      }
      return vect.join(' ');
    });
  }

  /** Keras `texts_to_matrix`: `sequencesToMatrix(textsToSequences(texts), mode)`. */
  textsToMatrix(
    texts: Iterable<string | readonly string[]>,
    mode: MatrixMode = 'binary',
  ): number[][] {
    assertMode(mode);
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /**
   * Keras `sequences_to_matrix`: one row per sequence, `numWords` columns (or `wordIndex.size + 1`).
   * Indices `>= columns` are ignored. binary: 1; count: c; freq: c / sequence length (ignored
   * indices included); tfidf: `(1 + ln c) * ln(1 + documentCount / (1 + indexDocs[j]))`.
   */
  sequencesToMatrix(
    sequences: ReadonlyArray<readonly number[]>,
    mode: MatrixMode = 'binary',
  ): number[][] {
    assertMode(mode);
    let columns: number;
    if (!this.numWords) {
      if (this.#wordIndex.size === 0) {
        throw new SeqpipeError(
          'SEQPIPE_TEXT_INVALID',
          'Tokenizer.sequencesToMatrix needs a dimension: set the "numWords" option or call fitOnTexts first.',
        );
      }
      columns = this.#wordIndex.size + 1;
    } else columns = this.numWords;
    if (mode === 'tfidf' && !this.#documentCount) {
      throw new SeqpipeError(
        'SEQPIPE_TEXT_INVALID',
        'Tokenizer: fit on some data (fitOnTexts or fitOnSequences) before using tfidf mode.',
      );
    }
    sequences.forEach((seq, i) => assertIndexSequence(seq, i, 'sequencesToMatrix'));
    return sequences.map((seq) => {
      const row = new Array<number>(columns).fill(0);
      if (seq.length === 0) return row;
      const counts = new Map<number, number>();
      for (const j of seq) if (j < columns) counts.set(j, (counts.get(j) ?? 0) + 1);
      for (const [j, c] of counts) {
        if (mode === 'count') row[j] = c;
        else if (mode === 'freq') row[j] = c / seq.length;
        else if (mode === 'binary') row[j] = 1;
        else {
          const tf = 1 + Math.log(c);
          const idf = Math.log(1 + this.#documentCount / (1 + (this.#indexDocs.get(j) ?? 0)));
          row[j] = tf * idf;
        }
      }
      return row;
    });
  }

  /**
   * Keras `tokenizer.to_json()`: `{"class_name": "Tokenizer", "config": {...}}` with the five
   * dictionaries as JSON-encoded strings, written like Python's `json.dumps` (ASCII only,
   * `", "` and `": "` separators), keys in Keras' order.
   */
  toJSON(): string {
    const config: Array<[string, string]> = [
      ['num_words', pythonJsonValue(this.numWords ?? null)],
      ['filters', pythonJsonString(this.filters)],
      ['lower', pythonJsonValue(this.lower)],
      ['split', pythonJsonString(this.split)],
      ['char_level', pythonJsonValue(this.charLevel)],
      ['oov_token', pythonJsonValue(this.oovToken ?? null)],
      ['document_count', pythonJsonValue(this.#documentCount)],
      ['word_counts', pythonJsonString(pythonJsonObject(this.#wordCounts))],
      ['word_docs', pythonJsonString(pythonJsonObject(this.#wordDocs))],
      ['index_docs', pythonJsonString(pythonJsonObject(this.#indexDocs))],
      ['index_word', pythonJsonString(pythonJsonObject(this.#indexWord))],
      ['word_index', pythonJsonString(pythonJsonObject(this.#wordIndex))],
    ];
    const body = config.map(([key, value]) => `${pythonJsonString(key)}: ${value}`).join(', ');
    return `{"class_name": "Tokenizer", "config": {${body}}}`;
  }

  /**
   * Keras `tokenizer_from_json`: reads `toJSON()` / `to_json()` output (string or parsed object),
   * keeping every dictionary's order so `fromJSON(json).toJSON() === json` for Keras-written JSON.
   * Throws `SEQPIPE_TOKENIZER_JSON` naming each bad key (JSON Pointer) when malformed.
   */
  static fromJSON(json: string | object): Tokenizer {
    const state = parseTokenizerJson(json);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer({
        numWords: state.numWords,
        filters: state.filters,
        lower: state.lower,
        split: state.split,
        charLevel: state.charLevel,
        oovToken: state.oovToken,
        documentCount: state.documentCount,
      });
    } catch (error) {
      throw new SeqpipeError(
        'SEQPIPE_TOKENIZER_JSON',
        `Tokenizer JSON has an unusable config: ${(error as Error).message}`,
        {
          cause: error,
          issues: [
            {
              path: '/config/split',
              message: 'split must be a non-empty string unless char_level is true',
            },
          ],
        },
      );
    }
    tokenizer.#wordCounts = new Map(state.wordCounts);
    tokenizer.#wordDocs = new Map(state.wordDocs);
    tokenizer.#indexDocs = new Map(state.indexDocs);
    tokenizer.#indexWord = new Map(state.indexWord);
    tokenizer.#wordIndex = new Map(state.wordIndex);
    return tokenizer;
  }

  /** Tokens of one text, as Keras: a token list or charLevel -> (lowercased) items, else textToWordSequence. */
  #tokens(text: unknown, position: number, method: string): readonly string[] {
    if (typeof text === 'string') {
      if (this.charLevel) return Array.from(this.lower ? text.toLowerCase() : text);
      return textToWordSequence(text, {
        filters: this.filters,
        lower: this.lower,
        split: this.split,
      });
    }
    if (Array.isArray(text) && text.every((t) => typeof t === 'string')) {
      return this.lower ? text.map((t: string) => t.toLowerCase()) : (text as string[]);
    }
    throw new SeqpipeError(
      'SEQPIPE_TEXT_INVALID',
      `Tokenizer.${method}: text ${position} must be a string or an array of token strings, received ${describeValue(text)}.`,
      {
        issues: [
          {
            path: `/${position}`,
            message: 'not a text',
            expected: 'a string or string[]',
            received: describeValue(text),
          },
        ],
      },
    );
  }

  /** The OOV index, or undefined without an OOV token; throws if the token is set but not indexed yet. */
  #oovIndex(method: string): number | undefined {
    if (this.oovToken === undefined) return undefined;
    const index = this.#wordIndex.get(this.oovToken);
    if (index === undefined) {
      throw new SeqpipeError(
        'SEQPIPE_TEXT_INVALID',
        `Tokenizer.${method}: the OOV token ${describeValue(this.oovToken)} has no index yet; call fitOnTexts first ` +
          '(Keras would emit None here).',
      );
    }
    return index;
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function assertMode(mode: unknown): asserts mode is MatrixMode {
  if (!MATRIX_MODES.includes(mode as MatrixMode)) {
    throw new SeqpipeError(
      'SEQPIPE_TEXT_INVALID',
      `Unknown matrix mode ${describeValue(mode)}: use one of ${MATRIX_MODES.map((m) => `"${m}"`).join(', ')}.`,
    );
  }
}

function notASequence(seq: unknown, position: number, method: string): SeqpipeError {
  return new SeqpipeError(
    'SEQPIPE_TEXT_INVALID',
    `Tokenizer.${method}: sequence ${position} must be an array of integer indices >= 0, received ${describeValue(seq)}.`,
    {
      issues: [
        {
          path: `/${position}`,
          message: 'not a sequence of indices',
          received: describeValue(seq),
        },
      ],
    },
  );
}

function assertIndexSequence(seq: unknown, position: number, method: string): void {
  if (!Array.isArray(seq) || !seq.every(isCount)) throw notASequence(seq, position, method);
}
