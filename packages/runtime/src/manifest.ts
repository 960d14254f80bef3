import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';

/** The artifact format this runtime reads and `@seqpipe/train` writes. */
export const ARTIFACT_FORMAT_VERSION = 1;

export type ArtifactTask = 'binaryClassification' | 'multiclassClassification';

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

/** `manifest.json` of an artifact directory. */
export interface ArtifactManifest {
  readonly formatVersion: 1;
  readonly name: string;
  readonly task: ArtifactTask;
  /** sha256 of the pipeline file's canonical JSON (after defaults). */
  readonly pipelineHash: string;
  readonly createdAt: string;
  readonly preprocess: {
    readonly maxLen: number;
    readonly padding: 'pre' | 'post';
    readonly truncating: 'pre' | 'post';
  };
  /** Class names in output index order. */
  readonly labels: readonly string[];
  /** Decision threshold on the positive-class score (binary tasks). */
  readonly threshold: number;
  readonly backend: { readonly backend: string; readonly simd: boolean; readonly threads: number };
  readonly training: {
    readonly seed: number;
    readonly epochs: number;
    readonly seconds: number;
    readonly trainSize: number;
    readonly validationSize: number;
  };
  /** Final-epoch figures, for a glance; full metrics live in the evaluation report. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Every other file of the artifact with its digest: tokenizer.json, model.json, weights.bin, history.json. */
  readonly files: Readonly<Record<string, FileDigest>>;
}

/** Files every artifact holds besides the manifest. */
export const REQUIRED_FILES = ['tokenizer.json', 'model.json', 'weights.bin'] as const;

type Check = (value: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const isNonNegativeNumber: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'a number >= 0';
const isPositiveInteger: Check = (v) =>
  Number.isInteger(v) && (v as number) > 0 ? undefined : 'an integer > 0';
const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `one of ${values.map((x) => `"${x}"`).join(', ')}`;
const isSha256: Check = (v) =>
  typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? undefined : 'a sha256 hex digest';

/**
 * Validates a manifest without code generation (edge runtimes forbid `new Function`), reporting
 * every problem with its JSON Pointer.
 */
export function parseManifest(json: string | unknown, file = 'manifest.json'): ArtifactManifest {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (error) {
      throw new SeqpipeError(
        'SEQPIPE_ARTIFACT_INVALID',
        `${file} is not valid JSON (${(error as Error).message}). Re-create the artifact with \`seqpipe train\`.`,
        { file, cause: error },
      );
    }
  }
  const issues: Issue[] = [];
  const at = (path: string, value: unknown, check: Check) => {
    const expected = check(value);
    if (expected !== undefined) {
      issues.push({ path, message: 'invalid value', expected, received: describeValue(value) });
    }
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    at('', doc, () => 'an object');
  } else {
    const m = doc as Record<string, unknown>;
    const obj = (key: string): Record<string, unknown> => {
      const v = m[key];
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        return v as Record<string, unknown>;
      at(`/${key}`, v, () => 'an object');
      return {};
    };
    at('/formatVersion', m['formatVersion'], (v) =>
      v === ARTIFACT_FORMAT_VERSION
        ? undefined
        : `${ARTIFACT_FORMAT_VERSION} (this runtime reads format ${ARTIFACT_FORMAT_VERSION}; retrain or upgrade seqpipe)`,
    );
    at('/name', m['name'], isString);
    at('/task', m['task'], oneOf('binaryClassification', 'multiclassClassification'));
    at('/pipelineHash', m['pipelineHash'], isSha256);
    at('/createdAt', m['createdAt'], isString);
    const pre = obj('preprocess');
    at('/preprocess/maxLen', pre['maxLen'], isPositiveInteger);
    at('/preprocess/padding', pre['padding'], oneOf('pre', 'post'));
    at('/preprocess/truncating', pre['truncating'], oneOf('pre', 'post'));
    const labels = m['labels'];
    if (!Array.isArray(labels) || labels.length < 2)
      at('/labels', labels, () => 'an array of at least 2 class names');
    else labels.forEach((l, i) => at(`/labels/${i}`, l, isString));
    at('/threshold', m['threshold'], (v) =>
      typeof v === 'number' && v > 0 && v < 1 ? undefined : 'a number between 0 and 1',
    );
    const backend = obj('backend');
    at('/backend/backend', backend['backend'], isString);
    at('/backend/simd', backend['simd'], isBoolean);
    at('/backend/threads', backend['threads'], isPositiveInteger);
    const training = obj('training');
    at('/training/seed', training['seed'], (v) => (Number.isInteger(v) ? undefined : 'an integer'));
    at('/training/epochs', training['epochs'], isNonNegativeNumber);
    at('/training/seconds', training['seconds'], isNonNegativeNumber);
    at('/training/trainSize', training['trainSize'], isNonNegativeNumber);
    at('/training/validationSize', training['validationSize'], isNonNegativeNumber);
    const metrics = obj('metrics');
    for (const [k, v] of Object.entries(metrics)) at(`/metrics/${k}`, v, isNonNegativeNumber);
    const files = obj('files');
    for (const required of REQUIRED_FILES) {
      if (!(required in files)) {
        issues.push({
          path: `/files/${required}`,
          message: `missing entry for ${required}`,
          hint: 'every artifact lists tokenizer.json, model.json and weights.bin with their sha256',
        });
      }
    }
    for (const [name, digest] of Object.entries(files)) {
      const d = (typeof digest === 'object' && digest !== null ? digest : {}) as Record<
        string,
        unknown
      >;
      at(`/files/${escapePointer(name)}/sha256`, d['sha256'], isSha256);
      at(`/files/${escapePointer(name)}/bytes`, d['bytes'], isNonNegativeNumber);
    }
  }
  if (issues.length > 0) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `${file} is not a valid seqpipe artifact manifest (${issues.length} problem${issues.length === 1 ? '' : 's'}). Re-create the artifact with \`seqpipe train\`.`,
      { file, issues },
    );
  }
  return doc as ArtifactManifest;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
