import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';
import { seededShuffle } from './seeded-shuffle.js';

export interface SplitOptions {
  /** Fraction of the items for validation, in [0, 1). */
  readonly validation: number;
  /** Fraction of the items for the test set, in [0, 1); `validation + test < 1`. */
  readonly test: number;
  /** Shuffle with `seed` before splitting (tfjs' `validationSplit` does not shuffle first). */
  readonly shuffle: boolean;
  readonly seed: number;
}

export interface Splits<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/**
 * Splits items into train, validation and test. With `shuffle` the items are first put in
 * `seededShuffle(items, seed)` order; the splits are then consecutive slices
 * `[train | validation | test]` of that order (so validation is the tail before test, as in
 * Keras' `validation_split`). Sizes: `validation = round(n × validation)`,
 * `test = round(n × test)`, train the rest. A split may round to 0 items (2 items with 0.2
 * validation give none). Throws `SEQPIPE_DATA_EMPTY` when there are no items or train would
 * be empty, `SEQPIPE_SPEC_INVALID` for fractions outside [0, 1) or summing to 1 or more.
 */
export function splitExamples<T>(items: readonly T[], options: SplitOptions): Splits<T> {
  checkFractions(options);
  const n = items.length;
  const validation = Math.round(n * options.validation);
  const test = Math.round(n * options.test);
  const train = n - validation - test;
  if (train < 1) {
    throw new SeqpipeError(
      'SEQPIPE_DATA_EMPTY',
      n === 0
        ? 'there are no examples to split.'
        : `${n} examples are too few for /data/split: validation ${options.validation} takes ${validation} and test ${options.test} takes ${test}, leaving none to train on. Add examples or lower the fractions.`,
      {
        issues: [
          {
            path: '/data/split',
            message: 'the training split would be empty',
            expected: 'at least one training example',
            received: `${n} examples: ${validation} validation, ${test} test`,
          },
        ],
      },
    );
  }
  const ordered = options.shuffle ? seededShuffle(items, options.seed) : items.slice();
  return {
    train: ordered.slice(0, train),
    validation: ordered.slice(train, train + validation),
    test: ordered.slice(train + validation),
  };
}

function checkFractions(options: SplitOptions): void {
  const issues: Issue[] = [];
  for (const key of ['validation', 'test'] as const) {
    const value = options[key];
    if (!(Number.isFinite(value) && value >= 0 && value < 1)) {
      issues.push({
        path: `/data/split/${key}`,
        message: 'not a fraction in [0, 1)',
        expected: 'a number ≥ 0 and < 1, e.g. 0.2',
        received: describeValue(value),
      });
    }
  }
  if (issues.length === 0 && options.validation + options.test >= 1) {
    issues.push({
      path: '/data/split',
      message: 'validation + test must be below 1 so something is left to train on',
      received: `${options.validation} + ${options.test}`,
    });
  }
  if (issues.length > 0) {
    throw new SeqpipeError('SEQPIPE_SPEC_INVALID', `invalid /data/split fractions.`, { issues });
  }
}
