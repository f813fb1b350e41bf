import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/onnx/inspect.js';
import type { ProbabilisticClassifier } from '../../src/training/classifier.js';
import { subset } from '../../src/training/dataset.js';
import { loadIris } from '../../src/training/datasets/iris.js';
import { exportClassifierToOnnx } from '../../src/training/export-onnx.js';
import { trainLogisticRegression } from '../../src/training/logistic-regression.js';
import { accuracy } from '../../src/training/metrics.js';
import { trainMlpClassifier } from '../../src/training/mlp-classifier.js';
import { stratifiedSplit } from '../../src/training/split.js';
import { fitStandardizer, standardize } from '../../src/training/standardize.js';
import { maxAbsDiff } from '../onnx/helpers/compare.js';
import { runClassifier } from './helpers/ort-run.js';

const iris = loadIris();
const split = stratifiedSplit(iris.labels, { testFraction: 0.3, seed: 7 });
const train = subset(iris, split.train);
const test = subset(iris, split.test);
const standardizer = fitStandardizer(train.features);
const allRows = standardize(iris.features, standardizer);
const trainRows = standardize(train.features, standardizer);
const testRows = standardize(test.features, standardizer);

const TRAINERS: Record<string, () => ProbabilisticClassifier> = {
  'logistic regression': () => trainLogisticRegression(trainRows, train.labels, 3),
  'MLP (tanh)': () => trainMlpClassifier(trainRows, train.labels, 3, { epochs: 1500 }),
  'MLP (relu)': () => trainMlpClassifier(trainRows, train.labels, 3, { activation: 'relu', hidden: 6, epochs: 1500 }),
};

describe.each(Object.entries(TRAINERS))('%s', (_name, trainModel) => {
  const model = trainModel();

  it('reaches at least 0.9 accuracy on the held-out split', () => {
    expect(accuracy(test.labels, model.predict(testRows))).toBeGreaterThanOrEqual(0.9);
  });

  it('exports ONNX whose probabilities equal predictProba within 1e-5 on every iris row', async () => {
    const bytes = exportClassifierToOnnx(model, { classLabels: iris.classNames });
    const { probabilities, labels } = await runClassifier(bytes, allRows);
    const expected = model.predictProba(allRows);
    expect(maxAbsDiff(probabilities, expected)).toBeLessThan(1e-5);
    expect(labels).toEqual(model.predict(allRows));
    expect(inspectModel(bytes)).toMatchObject({ kind: 'classifier', classLabels: ['setosa', 'versicolor', 'virginica'] });
  });

  it('gives probabilities that sum to 1', () => {
    for (const row of model.predictProba(testRows)) expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });

  it('is deterministic: training twice gives the same weights and the same file', () => {
    const again = trainModel();
    expect(again.denseLayers()).toEqual(model.denseLayers());
    expect(Buffer.from(exportClassifierToOnnx(again)).equals(Buffer.from(exportClassifierToOnnx(model)))).toBe(true);
  });
});

describe('logistic regression', () => {
  it('changes with the seed only through its initialisation (convex loss: same predictions)', () => {
    const a = trainLogisticRegression(trainRows, train.labels, 3, { seed: 1 });
    const b = trainLogisticRegression(trainRows, train.labels, 3, { seed: 2 });
    expect(a.weights).not.toEqual(b.weights);
    expect(a.predict(testRows)).toEqual(b.predict(testRows));
  });

  it('lowers the training loss as it trains', () => {
    const loss = (epochs: number): number => {
      const p = trainLogisticRegression(trainRows, train.labels, 3, { epochs }).predictProba(trainRows);
      return -train.labels.reduce((s, label, i) => s + Math.log(p[i]?.[label] ?? 0), 0) / train.labels.length;
    };
    expect(loss(200)).toBeLessThan(loss(20));
  });

  it('refuses mismatched labels', () => {
    expect(() => trainLogisticRegression(trainRows, [0, 1], 3)).toThrow(/labels/);
  });
});
