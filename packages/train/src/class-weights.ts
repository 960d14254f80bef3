import { SeqpipeError, describeValue } from '@seqpipe/errors';
import type { TrainSpec } from '@seqpipe/spec';
import type { PreparedData } from './prepare-data.js';

/**
 * `train.classWeight` as one weight per class index. `"balanced"` is scikit-learn's / Keras'
 * n / (classes × count) over the training split; an object maps class values (as strings,
 * e.g. `"1"` or `"spam"`) to weights, unlisted classes weigh 1. Undefined when not set.
 */
export function resolveClassWeights(
  spec: TrainSpec['classWeight'],
  data: PreparedData,
  file?: string,
): number[] | undefined {
  if (spec === undefined) return undefined;
  const { classes } = data;
  if (spec === 'balanced') {
    const counts = classes.map(() => 0);
    for (const e of data.splits.train) {
      const i = classes.indexOf(e.target);
      if (i >= 0) counts[i] = (counts[i] ?? 0) + 1;
    }
    const n = data.splits.train.length;
    return counts.map((c) => (c === 0 ? 1 : n / (classes.length * c)));
  }
  const keys = classes.map(String);
  const unknown = Object.keys(spec).filter((k) => !keys.includes(k));
  if (unknown.length > 0) {
    throw new SeqpipeError(
      'SEQPIPE_SPEC_INVALID',
      `/train/classWeight names ${describeValue(unknown[0])}, which is not a class of the data; the classes are ${keys.map((k) => `"${k}"`).join(', ')}.`,
      {
        ...(file !== undefined ? { file } : {}),
        issues: [
          {
            path: `/train/classWeight/${unknown[0] ?? ''}`,
            message: 'not a class of the data',
            expected: keys.map((k) => `"${k}"`).join(' | '),
            received: describeValue(unknown[0]),
          },
        ],
      },
    );
  }
  return keys.map((k) => spec[k] ?? 1);
}
