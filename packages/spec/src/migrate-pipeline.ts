import { SeqpipeError } from '@seqpipe/errors';

/** The pipeline format version this package reads and writes. */
export const CURRENT_PIPELINE_VERSION = 1;

type JsonObject = Record<string, unknown>;

/**
 * `migrations[n]` turns a version-n document into version n+1 (pure: returns a new object).
 * Empty today: version 1 is the first format. A breaking change to the format adds one entry
 * here and bumps CURRENT_PIPELINE_VERSION; old files keep working.
 */
const migrations: Readonly<Record<number, (doc: JsonObject) => JsonObject>> = {};

/**
 * Migrate stage: brings a parsed pipeline to the current format version. A missing
 * `version` means 1. Anything that is not an object, or whose version is not an integer,
 * is returned unchanged for validation to report. Pure: never mutates its input.
 * Throws SEQPIPE_SPEC_INVALID for a version newer than this package knows.
 */
export function migratePipeline(
  doc: unknown,
  options: { file?: string | undefined } = {},
): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  let current: JsonObject = { ...(doc as JsonObject) };
  const declared = current['version'];
  if (declared === undefined) current['version'] = 1;
  const found = current['version'];
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) return current;
  let version = found;
  if (version > CURRENT_PIPELINE_VERSION) {
    throw new SeqpipeError(
      'SEQPIPE_SPEC_INVALID',
      `${options.file ?? 'pipeline'}: /version: pipeline format version ${version} is newer than this seqpipe reads (${CURRENT_PIPELINE_VERSION}); upgrade seqpipe`,
      {
        ...(options.file === undefined ? {} : { file: options.file }),
        issues: [
          {
            path: '/version',
            message: 'unsupported pipeline format version',
            expected: `at most ${CURRENT_PIPELINE_VERSION}`,
            received: String(version),
            hint: 'upgrade seqpipe',
          },
        ],
      },
    );
  }
  while (version < CURRENT_PIPELINE_VERSION) {
    const step = migrations[version];
    if (step === undefined) throw new Error(`missing pipeline migration from version ${version}`);
    current = { ...step(current), version: version + 1 };
    version = version + 1;
  }
  return current;
}
