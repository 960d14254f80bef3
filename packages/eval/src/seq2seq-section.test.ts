import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import {
  alignCharacters,
  diffHtml,
  diffMarkdown,
  errorByLengthChart,
  parseSeq2seqEvaluation,
  renderHtmlReport,
  renderSeq2seqMarkdown,
  reportInputFromSeq2seqEvaluation,
  taskReportSections,
  type ChartSpec,
} from './index.js';
import { seq2seqEvaluationFixture } from './seq2seq-evaluation.fixture.js';
import { seq2seqLengthBuckets } from './seq2seq-section.js';
import type { LengthBucket } from './length-buckets.js';

const stub = async (c: ChartSpec) => `<svg data-stub="${c.id}"></svg>`;

describe('seq2seq report section', () => {
  it('is the seq2seq entry of taskReportSections', () => {
    expect(taskReportSections['seq2seq']?.title).toBe('Sequence analysis');
  });

  it('charts token error rate per source length from the records', () => {
    const data = reportInputFromSeq2seqEvaluation(seq2seqEvaluationFixture()).seq2seq!;
    const chart = errorByLengthChart(data)!;
    // lengths 2..6 → one bucket per length (2, 3, 4, 5, 6) = 5 points
    expect(chart.points).toBe(5);
    // length 3: '345', '678', '<&>' → 0 edits / 9 tokens; length 4: 2/8; 5: 1/10; 6: 3/12
    const buckets: LengthBucket[] = seq2seqLengthBuckets(data)[0]?.buckets ?? [];
    expect(buckets.map((b) => [b.from, b.count, b.edits, b.referenceTokens, b.errorRate])).toEqual([
      [2, 1, 0, 2, 0],
      [3, 3, 0, 9, 0],
      [4, 2, 2, 8, 0.25],
      [5, 2, 1, 10, 0.1],
      [6, 2, 3, 12, 0.25],
    ]);
    expect(JSON.stringify(chart.spec)).toContain('"x":4,"y":0.25,"series":"test"');
  });

  it('renders the diff with <ins>/<del>, escaped text', () => {
    expect(diffHtml(alignCharacters('8765', '8756'))).toBe(
      '87<del class="diff sub" title="replaced">65</del><ins class="diff sub" title="replacement">56</ins>',
    );
    expect(diffHtml(alignCharacters('a<b', 'a<bc'))).toBe(
      'a&lt;b<ins class="diff" title="extra">c</ins>',
    );
    expect(diffMarkdown(alignCharacters('32109', '3210'))).toBe('3210<del>9</del>');
    expect(diffMarkdown(alignCharacters('a|b', 'a|b*'))).toBe('a\\|b<ins>\\*</ins>');
  });

  it('puts chart, buckets, diff table and sequence metrics in report.html', async () => {
    const html = await renderHtmlReport(
      reportInputFromSeq2seqEvaluation(seq2seqEvaluationFixture()),
      { render: stub },
    );
    expect(html).toContain('data-chart="error-by-length" data-points="5"');
    expect(html).toContain('<svg data-stub="error-by-length">');
    expect(html).not.toContain('No task-specific analysis');
    expect(html).toContain(
      '<td>test</td><td>4</td><td class="num">2</td><td class="num">50.00%</td><td class="num">25.00%</td>',
    );
    // wrong predictions first: '5678' → '8756' against '8765'
    expect(html.indexOf('8756')).toBeLessThan(html.indexOf('>21<'));
    expect(html).toContain('3210<del class="diff" title="missing">9</del>');
    expect(html).toContain('&lt;&amp;&gt;');
    expect(html).toContain('60.00%'); // exact-sequence accuracy card and table
    expect(html).toContain('14.29%'); // token error rate 6/42
    expect(html).not.toMatch(/<script/);
  });

  it('writes the same numbers in report.md', () => {
    const md = renderSeq2seqMarkdown(seq2seqEvaluationFixture());
    expect(md).toContain('## Error rate by source length');
    expect(md).toContain('| test | 4 | 2 | 50.00% | 25.00% |');
    expect(md).toContain('| test | 6 | 2 | 0.00% | 25.00% |');
    expect(md).toContain('| 5678 | 8765 | 87<del>65</del><ins>56</ins> | ✗ 2 |');
    expect(md).toContain('| \\<&amp;\\> |'.replace('&amp;', '\\&'));
  });
});

describe('parseSeq2seqEvaluation', () => {
  it('reads back what evaluate writes, records included', () => {
    const evaluation = seq2seqEvaluationFixture();
    expect(parseSeq2seqEvaluation(JSON.stringify(evaluation), 'm.json')).toEqual(evaluation);
    const { records: _records, ...older } = evaluation;
    expect(parseSeq2seqEvaluation(JSON.stringify(older), 'm.json').records).toBeUndefined();
  });

  it('names the file and every bad path', () => {
    const bad = JSON.parse(JSON.stringify(seq2seqEvaluationFixture()));
    bad.records.test[3].edits = 'two';
    delete bad.records.test[4].reference;
    bad.splits.test.exactMatch = 1.5;
    let error: unknown;
    try {
      parseSeq2seqEvaluation(JSON.stringify(bad), 'reports/x/metrics.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeqpipeError);
    const message = (error as Error).message;
    expect(message).toContain('Invalid metrics file reports/x/metrics.json (3 problems):');
    expect(message).toContain(
      '/records/test/3/edits: wrong type; expected an integer ≥ 0; received "two"',
    );
    expect(message).toContain('/records/test/4/reference: missing field');
    expect(message).toContain('/splits/test/exactMatch: out of range');
    expect(() => parseSeq2seqEvaluation('{', 'm.json')).toThrow(/m\.json is not valid JSON/);
  });
});
