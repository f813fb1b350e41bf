import { describe, expect, it } from 'vitest';
import { accuracy, classificationReport, confusionMatrix, regressionReport } from '../../src/stats/metrics.js';

describe('classification metrics', () => {
  // scikit-learn's documented example (precision_recall_fscore_support / f1_score docs):
  // macro precision 0.2222, recall 0.3333, F1 0.2667; weighted F1 0.2667; accuracy 2/6.
  const truth = [0, 1, 2, 0, 1, 2];
  const predicted = [0, 2, 1, 0, 0, 1];

  it('matches the scikit-learn documentation example', () => {
    const r = classificationReport(truth, predicted);
    expect(r.accuracy).toBeCloseTo(1 / 3, 12);
    expect(r.macro.precision).toBeCloseTo(2 / 9, 12);
    expect(r.macro.recall).toBeCloseTo(1 / 3, 12);
    expect(r.macro.f1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.weighted.f1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.perClass.get(0)).toEqual({ precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
    expect(r.perClass.get(1)).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
  });

  it('builds the confusion matrix over sorted labels (rows truth, columns prediction)', () => {
    expect(confusionMatrix(truth, predicted)).toEqual({ labels: [0, 1, 2], matrix: [[2, 0, 0], [1, 0, 1], [0, 2, 0]] });
  });

  it('weights by support (hand-checked: class a P=2/3 R=1 n=2, class b P=1 R=1/2 n=2, class c P=R=1 n=1)', () => {
    const r = classificationReport(['a', 'a', 'b', 'b', 'c'], ['a', 'a', 'a', 'b', 'c']);
    expect(r.weighted.precision).toBeCloseTo((2 * (2 / 3) + 2 * 1 + 1) / 5, 12);
    expect(r.weighted.recall).toBeCloseTo((2 * 1 + 2 * 0.5 + 1) / 5, 12);
    expect(r.accuracy).toBe(0.8);
  });

  it('rejects lists of different lengths', () => {
    expect(() => accuracy([1, 2], [1])).toThrow(RangeError);
  });
});

describe('regression metrics', () => {
  it('MAE, RMSE and MAPE by hand: errors 1, −2, 0.5, 0 on actuals 2, 4, 0, 10', () => {
    const r = regressionReport([2, 4, 0, 10], [1, 6, -0.5, 10]);
    expect(r.mae).toBeCloseTo((1 + 2 + 0.5 + 0) / 4, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt((1 + 4 + 0.25 + 0) / 4), 12);
    // The zero actual is skipped: (1/2 + 2/4 + 0/10) / 3.
    expect(r.mape).toBeCloseTo(1 / 3, 12);
    expect(r.mapeSkippedZeroActuals).toBe(1);
    expect(r.count).toBe(4);
  });

  it('MAPE is NaN when every actual is zero', () => {
    expect(regressionReport([0, 0], [1, 2]).mape).toBeNaN();
  });
});
