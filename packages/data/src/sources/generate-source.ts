import { SeqpipeError, describeValue } from '@seqpipe/errors';
import { createRng } from '../create-rng.js';
import type { DataSourceConfigOf } from '../data-config.js';
import type { DataSource } from '../data-source.js';
import { pickExample } from '../pick-example.js';

/** A synthetic task: its records, from the source's config and a seeded generator. */
type Generator = (
  config: DataSourceConfigOf<'generate'>,
  random: () => number,
) => Iterable<Record<string, string>>;

/**
 * Seed 001's task: `length` digits drawn uniformly from 1..vocabSize-1 (0 stays free for
 * padding, as numpy's `randint(1, vocab)`) and the same digits reversed, space-separated:
 * `{ input: "3 7 2 5 1", target: "1 5 2 7 3" }`.
 */
function* reverseDigits(
  config: DataSourceConfigOf<'generate'>,
  random: () => number,
): Iterable<Record<string, string>> {
  const high = config.vocabSize - 1;
  for (let i = 0; i < config.count; i++) {
    const digits = Array.from({ length: config.length }, () => 1 + Math.floor(random() * high));
    yield { input: digits.join(' '), target: digits.slice().reverse().join(' ') };
  }
}

/** Synthetic tasks by `generator` name: adding one is one entry here. */
export const generators: Readonly<Record<DataSourceConfigOf<'generate'>['generator'], Generator>> =
  { reverseDigits };

function checkConfig(config: DataSourceConfigOf<'generate'>): void {
  const bad: Array<[string, unknown, string]> = [];
  if (!Number.isInteger(config.vocabSize) || config.vocabSize < 2)
    bad.push(['vocabSize', config.vocabSize, 'an integer >= 2']);
  if (!Number.isInteger(config.length) || config.length < 1)
    bad.push(['length', config.length, 'an integer >= 1']);
  if (!Number.isInteger(config.count) || config.count < 1)
    bad.push(['count', config.count, 'an integer >= 1']);
  if (!Object.hasOwn(generators, config.generator))
    bad.push(['generator', config.generator, Object.keys(generators).join(' | ')]);
  if (bad.length === 0) return;
  throw new SeqpipeError(
    'SEQPIPE_SPEC_INVALID',
    `the generate source has ${bad.length} invalid setting(s): ${bad.map(([k]) => `/data/source/${k}`).join(', ')}.`,
    {
      issues: bad.map(([key, value, expected]) => ({
        path: `/data/source/${key}`,
        message: 'invalid value',
        expected,
        received: describeValue(value),
      })),
    },
  );
}

/**
 * Records made by a seeded generator (`{ "type": "generate", "generator": "reverseDigits",
 * "vocabSize": 10, "length": 5, "count": 5000, "seed": 1 }`): same config, same records.
 * Fields `input` and `target`. `seed` defaults to 0 and is independent of the pipeline seed,
 * so held-out sets can be drawn fresh with another seed.
 */
export const generateSource: DataSource<DataSourceConfigOf<'generate'>> = {
  async *read(config, fields) {
    checkConfig(config);
    const random = createRng(config.seed ?? 0);
    let index = 0;
    for (const record of generators[config.generator](config, random)) {
      yield* pickExample({ kind: 'object', value: record }, fields, {
        label: `generated record ${index++}`,
      });
    }
  },
  describe: (config) => `the ${config.generator} generator (seed ${config.seed ?? 0})`,
};
