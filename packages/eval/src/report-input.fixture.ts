import { classificationMetrics } from './classification-metrics.js';
import type { ReportInput, ScoredExample } from './report-input.js';

/**
 * A small, hand-made run (binary sentiment, 6 validation and 4 test examples, 4 epochs) for the
 * report and metrics-document tests. Not exported from the package.
 */
export function reportInputFixture(): ReportInput {
  return {
    pipeline: {
      name: 'sentiment-rnn',
      task: 'binaryClassification',
      description: 'Tiny sentiment model.',
    },
    data: { train: 64, validation: 6, test: 4, vocabularySize: 1234, maxLen: 10 },
    model: {
      layers: [
        { name: 'embedding', type: 'Embedding', outputShape: '[null,10,16]', params: 19744 },
        { name: 'simple_rnn', type: 'SimpleRNN', outputShape: '[null,32]', params: 1568 },
        { name: 'dense', type: 'Dense', outputShape: '[null,1]', params: 33 },
      ],
      totalParams: 21345,
    },
    backend: { backend: 'wasm', simd: true, threads: 2 },
    training: {
      epochs: 4,
      seconds: 3.456,
      seed: 42,
      history: {
        loss: [0.6931, 0.5, 0.25, 0.125],
        accuracy: [0.5, 0.75, 0.875, 1],
        valLoss: [0.69, 0.4, 0.35, 0.45],
        valAccuracy: [0.5, 0.6667, 0.8333, 0.8333],
      },
    },
    metrics: {
      validation: classificationMetrics([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1], {
        labels: ['neg', 'pos'],
      }),
      test: classificationMetrics([0, 1, 0, 1], [0, 1, 1, 1], { labels: ['neg', 'pos'] }),
    },
    examples: [
      { text: 'it was truly great', label: 'pos', score: 0.97314 },
      { text: 'a | pipe\nand a newline', label: 'neg', score: 0.1 },
    ],
    // Scores agree with the metrics above at threshold 0.5 (positive when p >= 0.5).
    predictions: {
      labels: ['neg', 'pos'],
      threshold: 0.5,
      validation: [
        scored('dull and slow', 0, 0.2),
        scored('a wonderful film', 1, 0.9),
        scored('not <b>bad</b> at all & fun', 1, 0.3),
        scored('awful acting', 0, 0.1),
        scored('great story', 1, 0.8),
        scored('loved it', 1, 0.6),
      ],
      test: [
        scored('boring plot', 0, 0.4),
        scored('superb cast', 1, 0.7),
        scored('a | pipe\nand a newline', 0, 0.55),
        scored('brilliant', 1, 0.95),
      ],
    },
  };
}

function scored(text: string, target: number, p: number): ScoredExample {
  return { text, target, scores: [1 - p, p] };
}
