import { SeqpipeError, describeValue, formatIssue, type Issue } from '@seqpipe/errors';
import {
  JsonObjectSyntaxError,
  parseJsonObjectEntries,
  type JsonPrimitive,
} from './python-json.js';

/** Everything a Keras tokenizer JSON holds, decoded, with every dict's key order kept. */
export interface TokenizerJsonState {
  readonly numWords: number | undefined;
  readonly filters: string | undefined;
  readonly lower: boolean | undefined;
  readonly split: string | undefined;
  readonly charLevel: boolean | undefined;
  readonly oovToken: string | undefined;
  readonly documentCount: number | undefined;
  readonly wordCounts: Array<[string, number]>;
  readonly wordDocs: Array<[string, number]>;
  readonly indexDocs: Array<[number, number]>;
  readonly indexWord: Array<[number, string]>;
  readonly wordIndex: Array<[string, number]>;
}

/** Keys of Keras' `Tokenizer.get_config()`, in its order. */
export const CONFIG_KEYS = [
  'num_words',
  'filters',
  'lower',
  'split',
  'char_level',
  'oov_token',
  'document_count',
  'word_counts',
  'word_docs',
  'index_docs',
  'index_word',
  'word_index',
] as const;

const INTEGER_KEY = /^\s*[+-]?\d+\s*$/;

/**
 * Reads the output of Keras' `tokenizer.to_json()` (a string, or the object it parses to) like
 * `tokenizer_from_json`. Collects every problem, then throws one `SEQPIPE_TOKENIZER_JSON` error whose
 * issues point at the bad keys (`/config/word_index`, `/config/word_counts/café` ...).
 */
export function parseTokenizerJson(json: unknown): TokenizerJsonState {
  let document: unknown = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json);
    } catch (error) {
      throw new SeqpipeError(
        'SEQPIPE_TOKENIZER_JSON',
        `Tokenizer JSON is not valid JSON (${(error as Error).message}). ` +
          'Pass the exact text written by Keras `tokenizer.to_json()` or seqpipe `Tokenizer.toJSON()`.',
        { cause: error },
      );
    }
  }
  const issues: Issue[] = [];
  if (!isPlainObject(document)) {
    issues.push({
      path: '',
      message: 'tokenizer JSON must be an object',
      expected: '{"class_name": "Tokenizer", "config": {...}}',
      received: describeValue(document),
    });
    throw tokenizerJsonError(issues);
  }
  for (const key of Object.keys(document)) {
    if (key !== 'class_name' && key !== 'config') {
      issues.push({
        path: `/${pointerToken(key)}`,
        message: `unknown key "${key}"`,
        hint: 'remove it; Keras writes only "class_name" and "config"',
      });
    }
  }
  if ('class_name' in document && document['class_name'] !== 'Tokenizer') {
    issues.push({
      path: '/class_name',
      message: 'not a Keras Tokenizer',
      expected: '"Tokenizer"',
      received: describeValue(document['class_name']),
    });
  }
  const config = document['config'];
  if (!isPlainObject(config)) {
    issues.push({
      path: '/config',
      message: 'missing or not an object',
      expected: 'the object of Tokenizer.get_config()',
      received: describeValue(config),
    });
    throw tokenizerJsonError(issues);
  }
  for (const key of Object.keys(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: `/config/${pointerToken(key)}`,
        message: `unknown key "${key}"`,
        hint: `Keras accepts only ${CONFIG_KEYS.join(', ')}`,
      });
    }
  }

  const optional = <T>(
    key: string,
    check: (v: unknown) => v is T,
    expected: string,
    nullable = false,
  ): T | undefined => {
    const value = config[key];
    if (value === undefined || (nullable && value === null)) return undefined;
    if (check(value)) return value;
    issues.push({
      path: `/config/${key}`,
      message: `wrong type for "${key}"`,
      expected,
      received: describeValue(value),
    });
    return undefined;
  };
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

  const numWords = optional('num_words', isCount, 'null or an integer >= 0', true);
  const filters = optional('filters', isString, 'a string');
  const lower = optional('lower', isBoolean, 'true or false');
  const split = optional('split', isString, 'a string');
  const charLevel = optional('char_level', isBoolean, 'true or false');
  const oovToken = optional('oov_token', isString, 'null or a string', true);
  const documentCount = optional('document_count', isCount, 'an integer >= 0');

  const dict = <K, V>(
    key: string,
    readKey: (k: string) => K | undefined,
    keyExpected: string,
    readValue: (v: JsonPrimitive) => V | undefined,
    valueExpected: string,
  ): Array<[K, V]> => {
    const text = config[key];
    const path = `/config/${key}`;
    if (typeof text !== 'string') {
      issues.push({
        path,
        message:
          text === undefined
            ? `missing "${key}"`
            : `"${key}" must be a JSON-encoded string, as Keras writes it`,
        expected: `a string such as "{\\"word\\": 1}"`,
        received: describeValue(text),
      });
      return [];
    }
    let entries: Array<[string, JsonPrimitive]>;
    try {
      entries = parseJsonObjectEntries(text);
    } catch (error) {
      if (!(error instanceof JsonObjectSyntaxError)) throw error;
      issues.push({
        path,
        message: `"${key}" does not hold a flat JSON object: ${error.message}`,
        received: describeValue(text),
      });
      return [];
    }
    const out: Array<[K, V]> = [];
    for (const [rawKey, rawValue] of entries) {
      const k = readKey(rawKey);
      const v = readValue(rawValue);
      if (k === undefined) {
        issues.push({
          path: `${path}/${pointerToken(rawKey)}`,
          message: `bad key in "${key}"`,
          expected: keyExpected,
          received: describeValue(rawKey),
        });
      } else if (v === undefined) {
        issues.push({
          path: `${path}/${pointerToken(rawKey)}`,
          message: `bad value in "${key}"`,
          expected: valueExpected,
          received: describeValue(rawValue),
        });
      } else out.push([k, v]);
    }
    return out;
  };
  const anyKey = (k: string): string => k;
  const intKey = (k: string): number | undefined => {
    if (!INTEGER_KEY.test(k)) return undefined;
    const n = Number(k.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const count = (v: JsonPrimitive): number | undefined => (isCount(v) ? v : undefined);
  const word = (v: JsonPrimitive): string | undefined => (typeof v === 'string' ? v : undefined);

  const wordCounts = dict('word_counts', anyKey, 'a word', count, 'an integer >= 0');
  const wordDocs = dict('word_docs', anyKey, 'a word', count, 'an integer >= 0');
  const indexDocs = dict(
    'index_docs',
    intKey,
    'an integer index written as a string',
    count,
    'an integer >= 0',
  );
  const indexWord = dict(
    'index_word',
    intKey,
    'an integer index written as a string',
    word,
    'a word (string)',
  );
  const wordIndex = dict('word_index', anyKey, 'a word', count, 'an integer index >= 0');

  if (issues.length > 0) throw tokenizerJsonError(issues);
  return {
    numWords,
    filters,
    lower,
    split,
    charLevel,
    oovToken,
    documentCount,
    wordCounts,
    wordDocs,
    indexDocs,
    indexWord,
    wordIndex,
  };
}

function tokenizerJsonError(issues: readonly Issue[]): SeqpipeError {
  const lines = issues.slice(0, 10).map((issue) => `  ${formatIssue(issue)}`);
  if (issues.length > 10) lines.push(`  ... and ${issues.length - 10} more`);
  return new SeqpipeError(
    'SEQPIPE_TOKENIZER_JSON',
    `Tokenizer JSON is malformed (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}\n` +
      'Expected the output of Keras `tokenizer.to_json()` or seqpipe `Tokenizer.toJSON()`.',
    { issues },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 escaping of one path segment. */
function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
