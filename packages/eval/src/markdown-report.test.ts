import { describe, expect, it } from 'vitest';
import {
  classificationMetrics,
  escapeMarkdownCell,
  formatMetricsLine,
  renderMarkdownReport,
} from './index.js';
import { reportInputFixture } from './report-input.fixture.js';

const lines = (text: string): string[] => text.split('\n');

describe('renderMarkdownReport', () => {
  const report = renderMarkdownReport(reportInputFixture());
  const all = lines(report);

  it('starts with the title and description and ends with one newline', () => {
    expect(all.slice(0, 3)).toEqual(['# Report: sentiment-rnn', '', 'Tiny sentiment model.']);
    expect(report.endsWith('|\n')).toBe(true);
  });

  it('summarises task, data, vocabulary, maxLen, backend, training time and seed', () => {
    expect(all).toContain('| Task | binaryClassification |');
    expect(all).toContain('| Examples | 64 train · 6 validation · 4 test |');
    expect(all).toContain('| Vocabulary | 1,234 tokens |');
    expect(all).toContain('| Max length | 10 tokens |');
    expect(all).toContain('| Backend | wasm · SIMD on · 2 threads |');
    expect(all).toContain('| Training | 4 epochs in 3.5 s |');
    expect(all).toContain('| Seed | 42 |');
  });

  it('lists every layer and the total in the model table', () => {
    const start = all.indexOf('| Layer | Type | Output shape | Params |');
    expect(all.slice(start, start + 6)).toEqual([
      '| Layer | Type | Output shape | Params |',
      '|---|---|---|---:|',
      '| `embedding` | Embedding | `[null,10,16]` | 19,744 |',
      '| `simple_rnn` | SimpleRNN | `[null,32]` | 1,568 |',
      '| `dense` | Dense | `[null,1]` | 33 |',
      '| **Total** |  |  | **21,345** |',
    ]);
  });

  it('has one metrics row per split, to 4 decimals, and says how they are averaged', () => {
    expect(all).toContain('| validation | 6 | 0.8333 | 1.0000 | 0.7500 | 0.8571 |');
    expect(all).toContain('| test | 4 | 0.7500 | 0.6667 | 1.0000 | 0.8000 |');
    expect(report).toContain('Precision, recall and F1 are those of the positive class "pos".');
    expect(report).toContain('`zero_division=0`');
  });

  it('renders per-class metrics and the confusion matrix with label headers under each split', () => {
    const validation = all.indexOf('### Validation');
    const test = all.indexOf('### Test');
    expect(validation).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(validation);
    const section = all.slice(validation, test);
    expect(section).toContain('| neg | 0.6667 | 1.0000 | 0.8000 | 2 |');
    expect(section).toContain('| pos | 1.0000 | 0.7500 | 0.8571 | 4 |');
    const matrix = section.indexOf('| True / predicted | neg | pos |');
    expect(section.slice(matrix, matrix + 4)).toEqual([
      '| True / predicted | neg | pos |',
      '|---|---:|---:|',
      '| **neg** | 2 | 0 |',
      '| **pos** | 1 | 3 |',
    ]);
    expect(all.slice(test)).toContain('| **neg** | 1 | 1 |');
  });

  it('shows the learning curves as a table with the best epoch by val loss marked', () => {
    const start = all.indexOf('| Epoch | Loss | Accuracy | Val loss | Val accuracy |');
    expect(all.slice(start, start + 6)).toEqual([
      '| Epoch | Loss | Accuracy | Val loss | Val accuracy |',
      '|---:|---:|---:|---:|---:|',
      '| 1 | 0.6931 | 0.5000 | 0.6900 | 0.5000 |',
      '| 2 | 0.5000 | 0.7500 | 0.4000 | 0.6667 |',
      '| **3** (best) | 0.2500 | 0.8750 | 0.3500 | 0.8333 |',
      '| 4 | 0.1250 | 1.0000 | 0.4500 | 0.8333 |',
    ]);
    expect(all).toContain('Best epoch by validation loss: 3 (val loss 0.3500).');
  });

  it('shows every history key, training keys before validation keys, gaps as —, NaN as NaN', () => {
    const input = reportInputFixture();
    input.training.history = {
      valLoss: [0.5, NaN],
      learningRate: [0.001, 0.001],
      loss: [0.7, 0.6],
      valAucRoc: [0.9],
    };
    const out = lines(renderMarkdownReport(input));
    const start = out.indexOf('| Epoch | Loss | Learning rate | Val loss | Val auc roc |');
    expect(start).toBeGreaterThan(0);
    expect(out.slice(start + 2, start + 4)).toEqual([
      '| **1** (best) | 0.7000 | 0.0010 | 0.5000 | 0.9000 |',
      '| 2 | 0.6000 | 0.0010 | NaN | — |',
    ]);
  });

  it('escapes | and line breaks in example texts and lists the predictions', () => {
    expect(all).toContain('| it was truly great | pos | 0.9731 |');
    expect(all).toContain('| a \\| pipe<br>and a newline | neg | 0.1000 |');
  });

  it('says so when there is no split, no history or no example, and uses macro wording for multiclass', () => {
    const input = reportInputFixture();
    input.metrics = {};
    input.training.history = {};
    input.examples = [];
    input.backend = { backend: 'cpu', simd: false, threads: 1 };
    const out = renderMarkdownReport(input);
    expect(out).toContain('No validation or test split: nothing was scored.');
    expect(out).toContain('No training history was recorded.');
    expect(out).toContain('No example texts');
    expect(out).toContain('| Backend | cpu · SIMD off · 1 thread |');

    input.metrics = {
      test: classificationMetrics([0, 1, 2], [0, 2, 2], { labels: ['a', 'b', 'c'] }),
    };
    const multi = lines(renderMarkdownReport(input));
    expect(multi).toContain('| test | 3 | 0.6667 | 0.5000 | 0.6667 | 0.5556 |');
    expect(multi.join('\n')).toContain('macro averages (unweighted means over the 3 classes)');
    expect(multi).toContain('| True / predicted | a | b | c |');
  });

  it('writes layer names and shapes as code, escaping a pipe', () => {
    const input = reportInputFixture();
    input.model.layers = [{ name: 'odd|name', type: 'Dense', outputShape: '[null,1]', params: 2 }];
    expect(lines(renderMarkdownReport(input))).toContain(
      '| `odd\\|name` | Dense | `[null,1]` | 2 |',
    );
  });

  it('is deterministic: the same input renders the same text', () => {
    expect(renderMarkdownReport(reportInputFixture())).toBe(report);
  });
});

describe('escapeMarkdownCell', () => {
  it('keeps a cell on one row and shows the text as written', () => {
    expect(escapeMarkdownCell('a|b')).toBe('a\\|b');
    expect(escapeMarkdownCell('one\ntwo\r\nthree\rfour')).toBe('one<br>two<br>three<br>four');
    expect(escapeMarkdownCell('back\\slash|')).toBe('back\\\\slash\\|');
    expect(escapeMarkdownCell('*bold* <b> [x] `c` ~s~ &amp;')).toBe(
      '\\*bold\\* \\<b\\> \\[x\\] \\`c\\` \\~s\\~ \\&amp;',
    );
    expect(escapeMarkdownCell('plain words, 42.')).toBe('plain words, 42.');
  });
});

describe('formatMetricsLine', () => {
  it('prints the headline metrics on one line, up to 4 decimals', () => {
    const m = classificationMetrics([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1], {
      labels: ['neg', 'pos'],
    });
    expect(formatMetricsLine(m)).toBe('accuracy 0.8333 · precision 1 · recall 0.75 · f1 0.8571');
    expect(
      formatMetricsLine({ ...m, accuracy: 0.9375, precision: 0.94, recall: 0.94, f1: 0.94 }),
    ).toBe('accuracy 0.9375 · precision 0.94 · recall 0.94 · f1 0.94');
    const multi = classificationMetrics([0, 1, 2], [0, 2, 2], { labels: ['a', 'b', 'c'] });
    expect(formatMetricsLine(multi)).toBe(
      'accuracy 0.6667 · precision 0.5 · recall 0.6667 · f1 0.5556 (macro)',
    );
  });
});
