/**
 * Parity: onnxruntime on every exported model type computes the trainer's own predictions.
 *
 * Bounds: classifier probabilities within 1e-5 absolute. Regressor outputs within
 * 1e-5 · max(1, |y|): the targets here are around 500 (as in demand forecasting), and float32 — the
 * precision onnxruntime computes in — resolves such values to ~3e-5 (one ulp at 500 is 6e-5), so an
 * absolute 1e-5 bound would demand more digits than the served type has. Tree ensembles are held to
 * more: with one onnxruntime thread, their outputs equal predict() bit for bit, because predict()
 * sums float32 leaf values in tree order as onnxruntime does; with several threads onnxruntime adds
 * per-thread partial sums, and only that order differs.
 */
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/onnx/inspect.js';
import { loadIris } from '../../src/training/datasets/iris.js';
import { exportClassifierToOnnx } from '../../src/training/export-onnx.js';
import { exportRegressorToOnnx, type OnnxRegressor } from '../../src/training/export-regressor.js';
import { trainGradientBoostingClassifier, type GradientBoostingClassifier } from '../../src/training/gradient-boosting-classifier.js';
import { trainGradientBoostingRegressor } from '../../src/training/gradient-boosting-regressor.js';
import { trainLinearRegression } from '../../src/training/linear-regression.js';
import { trainMlpRegressor } from '../../src/training/mlp-regressor.js';
import { trainRandomForestRegressor } from '../../src/training/random-forest.js';
import type { DecisionTree } from '../../src/training/tree-model.js';
import { maxAbsDiff } from '../onnx/helpers/compare.js';
import { maxScaledDiff, runClassifierOutputs, runRegressor } from './helpers/ort-models.js';
import { friedman1, holdOut } from './helpers/synthetic.js';

const TOLERANCE = 1e-5;

const data = friedman1(3000, 8, 11, 1, 500);
const train = { features: holdOut(data.features).train, targets: holdOut(data.targets).train };
const heldOut = holdOut(data.features).test;

/**
 * Rows that probe a tree ensemble's comparisons: held-out rows with one feature set exactly to a split
 * threshold (x <= t must go left in both), just above it, and rows far outside the training range.
 */
function probeRows(trees: readonly DecisionTree[], base: readonly (readonly number[])[], count = 200): number[][] {
  const rows: number[][] = [];
  for (const tree of trees) {
    for (let node = 0; node < tree.nodeCount && rows.length < count; node++) {
      const f = tree.feature[node] ?? -1;
      if (f < 0) continue;
      const t = tree.threshold[node] ?? 0;
      const row = [...(base[rows.length % base.length] ?? [])];
      row[f] = t;
      rows.push(row);
      const above = [...row];
      above[f] = t + Math.abs(t) * 2 ** -23 + 1e-30; // the next float32 up (or close enough to round to it)
      rows.push(above);
    }
  }
  const width = base[0]?.length ?? 0;
  rows.push(new Array<number>(width).fill(-1e6), new Array<number>(width).fill(1e6), new Array<number>(width).fill(0));
  return rows;
}

interface Trained {
  readonly model: OnnxRegressor;
  /** Tree ensembles: their trees, to probe thresholds and to hold to bit-exact single-threaded parity. */
  readonly trees?: readonly DecisionTree[];
}

const REGRESSORS: Record<string, () => Trained> = {
  'linear regression (ordinary least squares)': () => ({ model: trainLinearRegression(train.features, train.targets) }),
  'ridge regression': () => ({ model: trainLinearRegression(train.features, train.targets, { l2: 0.5 }) }),
  'gradient-boosted trees': () => {
    const options = { nEstimators: 150, subsample: 0.8, featureSubsample: 0.75, seed: 3 };
    const model = trainGradientBoostingRegressor(train.features, train.targets, options);
    return { model, trees: model.trees };
  },
  'random forest': () => {
    const model = trainRandomForestRegressor(train.features, train.targets, { nEstimators: 40, maxDepth: 8, seed: 5 });
    return { model, trees: model.trees };
  },
  'MLP regressor': () => ({ model: trainMlpRegressor(train.features.slice(0, 600), train.targets.slice(0, 600), { epochs: 300 }) }),
};

describe.each(Object.entries(REGRESSORS))('%s', (_name, trainModel) => {
  const { model, trees } = trainModel();
  const rows = [...train.features.slice(0, 300), ...heldOut, ...(trees ? probeRows(trees, heldOut) : [])];
  const bytes = exportRegressorToOnnx(model);

  it('onnxruntime output equals predict() within 1e-5 · max(1, |y|) on training, held-out and probe rows', async () => {
    const { values, dims } = await runRegressor(bytes, rows);
    expect(dims).toEqual([rows.length, 1]);
    expect(maxScaledDiff(values, model.predict(rows))).toBeLessThan(TOLERANCE);
  });

  it('is a float32 [N, features] → [N, 1] graph that inspectModel reads', () => {
    const info = inspectModel(bytes);
    expect(info.inputs).toEqual([{ name: 'features', dtype: 'float32', shape: [-1, 8] }]);
    expect(info.outputs).toEqual([{ name: 'variable', dtype: 'float32', shape: [-1, 1] }]);
  });

  if (trees) {
    it('single-threaded onnxruntime equals predict() bit for bit (float32 sums in tree order)', async () => {
      const { values } = await runRegressor(bytes, rows, { singleThread: true });
      expect(values).toEqual(model.predict(rows));
    });
  }
});

describe('regressor export options', () => {
  it('names the input, output and graph as asked, and marks ML-op graphs as regressors', async () => {
    const model = trainGradientBoostingRegressor(train.features, train.targets, { nEstimators: 5 });
    const bytes = exportRegressorToOnnx(model, { inputName: 'x', outputName: 'visitors', name: 'forecast', docString: 'doc' });
    const info = inspectModel(bytes);
    expect(info).toMatchObject({ kind: 'regressor', graphName: 'forecast', opsets: { 'ai.onnx': 13, 'ai.onnx.ml': 2 } });
    expect(info.inputs[0]?.name).toBe('x');
    const { values } = await runRegressor(bytes, heldOut, { inputName: 'x', outputName: 'visitors' });
    expect(maxScaledDiff(values, model.predict(heldOut))).toBeLessThan(TOLERANCE);
    expect(inspectModel(exportRegressorToOnnx(trainLinearRegression(train.features, train.targets))).kind).toBe('regressor');
  });
});

describe('gradient-boosted classifier', () => {
  const iris = loadIris();
  const CASES: Record<string, { labels: number[]; classes: number; names: string[] }> = {
    'multiclass (iris, 3 classes)': { labels: [...iris.labels], classes: 3, names: [...iris.classNames] },
    'binary (virginica or not)': { labels: iris.labels.map((l) => (l === 2 ? 1 : 0)), classes: 2, names: ['other', 'virginica'] },
  };

  describe.each(Object.entries(CASES))('%s', (_name, { labels, classes, names }) => {
    const model: GradientBoostingClassifier = trainGradientBoostingClassifier(iris.features, labels, classes, {
      nEstimators: 60,
      maxDepth: 3,
      minSamplesLeaf: 3,
      subsample: 0.8,
    });
    const rows = [...iris.features, ...probeRows(model.trees, iris.features, 150)];
    const bytes = exportClassifierToOnnx(model, { classLabels: names });

    it('onnxruntime probabilities equal predictProba() within 1e-5, and labels equal predict()', async () => {
      for (const singleThread of [false, true]) {
        const out = await runClassifierOutputs(bytes, rows, { singleThread });
        expect(out.dims).toEqual([rows.length, classes]);
        expect(maxAbsDiff(out.probabilities, model.predictProba(rows))).toBeLessThan(TOLERANCE);
        expect(out.labels).toEqual(model.predict(rows));
      }
    });

    it('is a classifier to inspectModel, with tensor outputs probabilities [N, C] and label [N]', () => {
      const info = inspectModel(bytes);
      expect(info).toMatchObject({ kind: 'classifier', probabilityOutput: 'probabilities', labelOutput: 'label' });
      expect(info.outputs).toEqual([
        { name: 'probabilities', dtype: 'float32', shape: [-1, classes] },
        { name: 'label', dtype: 'int64', shape: [-1] },
      ]);
      expect(info.metadata.class_labels).toBe(JSON.stringify(names));
    });
  });
});
