import type { CleanTextOptions } from '@seqpipe/text';
import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';
import { validate as generatedValidate } from './manifest-validator.generated.js';

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
    /** The pipeline's `data.clean`: applied to every text before tokenizing, as in training. */
    readonly clean?: CleanTextOptions;
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

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** The precompiled validator (ajv standalone code; no code generation at run time). */
const validateManifest = generatedValidate as unknown as ((data: unknown) => boolean) & {
  errors?: readonly AjvError[] | null;
};

/**
 * Validates a manifest with the validator generated at build time from `manifestSchema`
 * (edge runtimes forbid `new Function`, which ajv's runtime compile uses), reporting every
 * problem with its JSON Pointer.
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
  if (!validateManifest(doc)) {
    const issues = (validateManifest.errors ?? []).map((error) => toIssue(error, doc));
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `${file} is not a valid seqpipe artifact manifest (${issues.length} problem${issues.length === 1 ? '' : 's'}). Re-create the artifact with \`seqpipe train\`.`,
      { file, issues },
    );
  }
  return doc as ArtifactManifest;
}

function toIssue(error: AjvError, doc: unknown): Issue {
  const { instancePath: path, keyword, params } = error;
  if (keyword === 'required') {
    const missing = String(params['missingProperty']);
    const inFiles = path === '/files';
    return {
      path: `${path}/${escapePointer(missing)}`,
      message: `missing entry for ${missing}`,
      ...(inFiles
        ? {
            hint: 'every artifact lists tokenizer.json, model.json and weights.bin with their sha256',
          }
        : {}),
    };
  }
  return {
    path,
    message: 'invalid value',
    expected: expectedText(error, path),
    received: describeValue(valueAt(doc, path)),
  };
}

function expectedText({ keyword, params, message }: AjvError, path: string): string {
  switch (keyword) {
    case 'const':
      return path === '/formatVersion'
        ? `${ARTIFACT_FORMAT_VERSION} (this runtime reads format ${ARTIFACT_FORMAT_VERSION}; retrain or upgrade seqpipe)`
        : JSON.stringify(params['allowedValue']);
    case 'enum':
      return `one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type': {
      const type = String(params['type']);
      return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
    }
    case 'pattern':
      return 'a sha256 hex digest';
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(params['comparison'])} ${String(params['limit'])}`;
    case 'minItems':
      return `an array of at least ${String(params['limit'])} items`;
    default:
      return message ?? keyword;
  }
}

/** The value a JSON Pointer points at (undefined when the path does not exist). */
function valueAt(doc: unknown, pointer: string): unknown {
  let value = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
