import type { Seq2seqRecord } from './report-input.js';
import type { Seq2seqEvaluation } from './seq2seq-report.js';

/** Reverses digit strings; the "model" drops, swaps or adds a digit on some longer inputs. */
function records(): Seq2seqRecord[] {
  const sources = ['12', '345', '678', '1234', '5678', '90123', '45678', '123456', '987654', '<&>'];
  const predictions = [
    '21',
    '543',
    '876',
    '4321',
    '8756',
    '3210',
    '87654',
    '654312',
    '4567899',
    '>&<',
  ];
  return sources.map((source, i) => {
    const reference = [...source].reverse().join('');
    const prediction = predictions[i] as string;
    return {
      source,
      reference,
      prediction,
      edits: EDITS[i] as number,
      referenceTokens: reference.length,
    };
  });
}

/** Character edit distances of the pairs above, worked by hand. */
const EDITS = [0, 0, 0, 0, 2, 1, 0, 2, 1, 0];

/** A small seq2seq evaluation (what `seqpipe evaluate` writes) with per-example records. */
export function seq2seqEvaluationFixture(): Seq2seqEvaluation {
  const test = records();
  return {
    schemaVersion: 1,
    task: 'seq2seq',
    pipeline: { name: 'tiny-reverse', description: 'Reverse digit strings <fixture>.' },
    decode: { strategy: 'greedy', beamWidth: 4, maxLength: 8 },
    splits: {
      test: {
        count: 10,
        exactMatch: 0.6,
        tokenAccuracy: 0.8,
        tokenErrorRate: 6 / 42,
        wordErrorRate: 0.4,
        sequenceErrorRate: 0.4,
        bleu: 0,
      },
    },
    training: {
      seconds: 1.5,
      epochs: 3,
      trainSize: 40,
      totalParams: 1234,
      backend: 'wasm SIMD, 1 thread(s)',
      history: { loss: [2, 1.5, 1.2], valLoss: [2.1, 1.7, 1.4] },
    },
    samples: test.slice(0, 3).map(({ source, reference, prediction }) => ({
      source,
      reference,
      prediction,
    })),
    examples: [{ source: '4242', prediction: '2424' }],
    seconds: 0.2,
    records: { test },
    seed: 7,
  };
}
