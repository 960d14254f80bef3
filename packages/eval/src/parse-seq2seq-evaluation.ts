import {
  type DocumentReader,
  readArray,
  readLiteral,
  readNumber,
  readNumberOrNull,
  readObject,
  readRecord,
  readString,
  type Read,
} from './document-reader.js';
import { parseMetricsFile } from './metrics-file.js';
import type { LayerSummary, Seq2seqRecord } from './report-input.js';
import type { Seq2seqEvaluation, TranslationSample } from './seq2seq-report.js';
import type { SequenceMetrics } from './sequence-metrics.js';

const HINT = 'Delete the file and run `seqpipe evaluate <pipeline.json>` again to regenerate it.';

const count = readNumber({ integer: true, min: 0 });
const positive = readNumber({ integer: true, min: 1 });
const ratio = readNumber({ min: 0, max: 1 });
const rate = readNumber({ min: 0 });
const seconds = readNumber({ min: 0 });

const readSequenceMetrics: Read<SequenceMetrics> = readObject('an object', (r, o, p) => ({
  count: r.field(o, 'count', p, count),
  exactMatch: r.field(o, 'exactMatch', p, ratio),
  tokenAccuracy: r.field(o, 'tokenAccuracy', p, ratio),
  tokenErrorRate: r.field(o, 'tokenErrorRate', p, rate),
  wordErrorRate: r.field(o, 'wordErrorRate', p, rate),
  sequenceErrorRate: r.field(o, 'sequenceErrorRate', p, ratio),
  bleu: r.field(o, 'bleu', p, ratio),
}));

const readSample: Read<TranslationSample> = readObject('an object', (r, o, p) => ({
  source: r.field(o, 'source', p, readString),
  reference: r.optionalField(o, 'reference', p, readString),
  prediction: r.field(o, 'prediction', p, readString),
}));

const readRecordEntry: Read<Seq2seqRecord> = readObject('an object', (r, o, p) => ({
  source: r.field(o, 'source', p, readString),
  reference: r.field(o, 'reference', p, readString),
  prediction: r.field(o, 'prediction', p, readString),
  edits: r.field(o, 'edits', p, count),
  referenceTokens: r.field(o, 'referenceTokens', p, count),
}));

const readRecords = readArray(
  readRecordEntry,
  'an array of { source, reference, prediction, edits, referenceTokens }',
);

const readLayer: Read<LayerSummary> = readObject('an object', (r, o, p) => ({
  name: r.field(o, 'name', p, readString),
  type: r.field(o, 'type', p, readString),
  outputShape: r.field(o, 'outputShape', p, readString),
  params: r.field(o, 'params', p, count),
}));

function readEvaluation(reader: DocumentReader, value: unknown): Seq2seqEvaluation {
  return readObject<Seq2seqEvaluation>('a seq2seq metrics object', (r, o, p) => {
    const splits = r.field(
      o,
      'splits',
      p,
      readObject('an object', (r2, s, sp) => ({
        validation: r2.optionalField(s, 'validation', sp, readSequenceMetrics),
        test: r2.optionalField(s, 'test', sp, readSequenceMetrics),
      })),
    );
    const records = r.optionalField(
      o,
      'records',
      p,
      readObject('an object', (r2, s, sp) => ({
        validation: r2.optionalField(s, 'validation', sp, readRecords),
        test: r2.optionalField(s, 'test', sp, readRecords),
      })),
    );
    const evaluation: Seq2seqEvaluation = {
      schemaVersion: r.field(o, 'schemaVersion', p, readLiteral([1] as const)),
      task: r.field(o, 'task', p, readLiteral(['seq2seq'] as const)),
      pipeline: r.field(
        o,
        'pipeline',
        p,
        readObject('an object', (r2, s, sp) => ({
          name: r2.field(s, 'name', sp, readString),
          description: r2.optionalField(s, 'description', sp, readString),
        })),
      ),
      decode: r.field(
        o,
        'decode',
        p,
        readObject('an object', (r2, s, sp) => ({
          strategy: r2.field(s, 'strategy', sp, readLiteral(['greedy', 'beam'] as const)),
          beamWidth: r2.field(s, 'beamWidth', sp, positive),
          maxLength: r2.field(s, 'maxLength', sp, positive),
        })),
      ),
      splits: {
        ...(splits?.validation !== undefined ? { validation: splits.validation } : {}),
        ...(splits?.test !== undefined ? { test: splits.test } : {}),
      },
      training: r.field(
        o,
        'training',
        p,
        readObject('an object', (r2, s, sp) => ({
          seconds: r2.field(s, 'seconds', sp, seconds),
          epochs: r2.field(s, 'epochs', sp, count),
          trainSize: r2.field(s, 'trainSize', sp, count),
          totalParams: r2.optionalField(s, 'totalParams', sp, count),
          backend: r2.field(s, 'backend', sp, readString),
          history: r2.optionalField(
            s,
            'history',
            sp,
            readRecord('an object of number arrays', readArray(readNumberOrNull)),
          ),
        })),
      ),
      samples: r.field(o, 'samples', p, readArray(readSample)),
      examples: r.field(o, 'examples', p, readArray(readSample)),
      seconds: r.field(o, 'seconds', p, seconds),
      ...(records !== undefined ? { records } : {}),
    };
    const model = r.optionalField(
      o,
      'model',
      p,
      readObject('an object', (r2, s, sp) => ({
        layers: r2.field(s, 'layers', sp, readArray(readLayer)),
        totalParams: r2.field(s, 'totalParams', sp, count),
      })),
    );
    const data = r.optionalField(
      o,
      'data',
      p,
      readObject('an object', (r2, s, sp) => ({
        validation: r2.field(s, 'validation', sp, count),
        test: r2.field(s, 'test', sp, count),
        inputVocabularySize: r2.field(s, 'inputVocabularySize', sp, count),
        targetVocabularySize: r2.field(s, 'targetVocabularySize', sp, count),
        inputLength: r2.field(s, 'inputLength', sp, count),
        targetLength: r2.field(s, 'targetLength', sp, count),
      })),
    );
    const seed = r.optionalField(o, 'seed', p, readNumber({ integer: true }));
    return {
      ...evaluation,
      ...(model !== undefined ? { model } : {}),
      ...(data !== undefined ? { data } : {}),
      ...(seed !== undefined ? { seed } : {}),
    };
  })(reader, value, '');
}

/**
 * Parses and checks the `metrics.json` of a seq2seq run (`task: "seq2seq"`), including the
 * optional per-example `records`. Every problem is collected, then one `SEQPIPE_EVAL_INVALID`
 * error names the file and, per problem, the JSON Pointer path, what was expected and what was
 * found (`/records/test/3/edits: wrong type; expected an integer ≥ 0; received "two"`).
 */
export function parseSeq2seqEvaluation(json: string, file: string): Seq2seqEvaluation {
  return parseMetricsFile(json, file, HINT, readEvaluation);
}
