import { describe, expect, it } from 'vitest';
import {
  analyzeClassification,
  buildMetricsDocument,
  parseMetricsDocument,
  predictedIndex,
  renderMetricsDocument,
  scoredText,
} from './index.js';
import { reportInputFixture } from './report-input.fixture.js';

describe('analyzeClassification', () => {
  const { predictions } = reportInputFixture();
  const analysis = analyzeClassification(predictions!.validation!, ['neg', 'pos'], 0.5);

  it('computes the positive class curves, AUC and average precision of a binary split', () => {
    expect(analysis.binary).toBe(true);
    expect(analysis.curves.map((c) => [c.label, c.support])).toEqual([['pos', 4]]);
    // Every positive (0.9, 0.3, 0.8, 0.6) outranks every negative (0.2, 0.1).
    expect(analysis.rocAuc).toBe(1);
    expect(analysis.averagePrecision).toBe(1);
  });

  it('has the threshold table row at the run threshold agree with the confusion matrix', () => {
    const row = analysis.thresholds.find((r) => r.threshold === 0.5)!;
    expect(analysis.thresholds).toHaveLength(9);
    // metrics: [[2, 0], [1, 3]] → tn 2, fp 0, fn 1, tp 3
    expect(row).toMatchObject({ tp: 3, fp: 0, fn: 1, tn: 2, accuracy: 5 / 6 });
    expect(
      analyzeClassification(predictions!.validation!, ['neg', 'pos'], 0.55).thresholds,
    ).toHaveLength(10);
  });

  it('lists wrong predictions most confident first, with the confidence of the wrong label', () => {
    expect(analysis.wrong).toBe(1);
    expect(analysis.total).toBe(6);
    expect(analysis.confidentlyWrong).toEqual([
      {
        text: 'not <b>bad</b> at all & fun',
        trueLabel: 'pos',
        predictedLabel: 'neg',
        confidence: 0.7,
      },
    ]);
  });

  it('calibrates multiclass runs on top-label confidence and averages AUC over classes', () => {
    const examples = [
      { text: 'a', target: 0, scores: [0.7, 0.2, 0.1] },
      { text: 'b', target: 1, scores: [0.1, 0.8, 0.1] },
      { text: 'c', target: 2, scores: [0.5, 0.1, 0.4] },
      { text: 'd', target: 2, scores: [0.2, 0.2, 0.6] },
    ];
    const multi = analyzeClassification(examples, ['x', 'y', 'z'], 0.5);
    expect(multi.binary).toBe(false);
    expect(multi.curves.map((c) => c.label)).toEqual(['x', 'y', 'z']);
    // x: positive 0.7 vs negatives 0.1, 0.5, 0.2 → 1; y: 1; z: positives 0.4, 0.6 vs 0.1, 0.1 → 1
    expect(multi.rocAuc).toBe(1);
    expect(multi.thresholds).toEqual([]);
    expect(multi.confidentlyWrong).toEqual([
      { text: 'c', trueLabel: 'z', predictedLabel: 'x', confidence: 0.5 },
    ]);
    // bins: 0.5 (wrong) in [0.5, 0.6); 0.6 in [0.6, 0.7); 0.7; 0.8
    expect(multi.calibration.bins.map((b) => b.count)).toEqual([1, 1, 1, 1]);
    expect(multi.calibration.bins[0]?.fractionPositive).toBe(0);
  });

  it('predicts like the runtime: binary by threshold (>=), multiclass by the first maximum', () => {
    expect(predictedIndex([0.5, 0.5], 0.5)).toBe(1);
    expect(predictedIndex([0.6, 0.4], 0.5)).toBe(0);
    expect(predictedIndex([0.4, 0.4, 0.2], 0.5)).toBe(0);
  });
});

describe('predictions in metrics.json', () => {
  const FILE = 'reports/x/metrics.json';
  const json = renderMetricsDocument(buildMetricsDocument(reportInputFixture(), new Date(0)));

  it('round-trips the per-example scores', () => {
    expect(parseMetricsDocument(json, FILE).predictions).toEqual(reportInputFixture().predictions);
  });

  it('names every problem in a corrupt predictions section', () => {
    const doc = JSON.parse(json);
    doc.predictions.validation[1].target = 2;
    doc.predictions.validation[2].scores = [0.5];
    doc.predictions.test[0].scores[1] = 1.5;
    delete doc.predictions.threshold;
    expect(() => parseMetricsDocument(JSON.stringify(doc), FILE)).toThrow(
      /Invalid metrics file reports\/x\/metrics.json \(4 problems\)/,
    );
    try {
      parseMetricsDocument(JSON.stringify(doc), FILE);
    } catch (error) {
      const paths = (error as { issues: Array<{ path: string }> }).issues.map((i) => i.path);
      expect(paths).toEqual([
        '/predictions/threshold',
        '/predictions/validation/1/target',
        '/predictions/validation/2/scores',
        '/predictions/test/0/scores/1',
      ]);
    }
  });

  it('keeps older files without predictions readable', () => {
    const doc = JSON.parse(json);
    delete doc.predictions;
    expect(parseMetricsDocument(JSON.stringify(doc), FILE).predictions).toBeUndefined();
  });
});

describe('scoredText', () => {
  it('keeps short texts and cuts long ones to the limit with an ellipsis', () => {
    expect(scoredText('short')).toBe('short');
    expect(scoredText('abcdef', 4)).toBe('abc…');
    expect(Array.from(scoredText('😀'.repeat(400)))).toHaveLength(300);
  });
});
