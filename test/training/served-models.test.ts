import { describe, expect, it } from 'vitest';
import { loadOnnxModel } from '../../src/runtime/onnx/onnx-serving-function.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { loadIris } from '../../src/training/datasets/iris.js';
import { exportClassifierToOnnx } from '../../src/training/export-onnx.js';
import { exportRegressorToOnnx } from '../../src/training/export-regressor.js';
import { trainGradientBoostingClassifier } from '../../src/training/gradient-boosting-classifier.js';
import { trainGradientBoostingRegressor } from '../../src/training/gradient-boosting-regressor.js';
import { maxAbsDiff } from '../onnx/helpers/compare.js';
import { maxScaledDiff } from './helpers/ort-models.js';
import { friedman1 } from './helpers/synthetic.js';

/** The exported files through the serving runtime (signature inference, rewrites, worker sessions), not bare onnxruntime. */
function rows(values: readonly (readonly number[])[]): Tensor {
  return { dtype: 'float32', shape: [values.length, values[0]?.length ?? 0], data: Float32Array.from(values.flat()) };
}

describe('exported tree ensembles in the serving runtime', () => {
  it('serves the boosted classifier with inferred probabilities (default) and label signatures', async () => {
    const iris = loadIris();
    const model = trainGradientBoostingClassifier(iris.features, [...iris.labels], 3, { nEstimators: 20, maxDepth: 3, minSamplesLeaf: 3 });
    const served = await loadOnnxModel(exportClassifierToOnnx(model, { classLabels: iris.classNames }));
    try {
      expect(served.defaultSignature).toBe('probabilities');
      expect(served.info).toMatchObject({ kind: 'classifier', probabilityOutput: 'probabilities', labelOutput: 'label' });
      const out = await served.run({ features: rows(iris.features) });
      expect(maxAbsDiff(out.probabilities?.data as Float32Array, model.predictProba(iris.features))).toBeLessThan(1e-5);
      const labels = await served.run({ features: rows(iris.features) }, { signature: 'label' });
      expect(Array.from(labels.label?.data as BigInt64Array, Number)).toEqual(model.predict(iris.features));
    } finally {
      await served.dispose();
    }
  });

  it('serves the boosted regressor under the default signature', async () => {
    const data = friedman1(500, 6, 2, 1, 300);
    const model = trainGradientBoostingRegressor(data.features, data.targets, { nEstimators: 30 });
    const served = await loadOnnxModel(exportRegressorToOnnx(model));
    try {
      expect(served.info.kind).toBe('regressor');
      const out = await served.run({ features: rows(data.features) });
      expect(out.variable?.shape).toEqual([500, 1]);
      expect(maxScaledDiff(Array.from(out.variable?.data as Float32Array), model.predict(data.features))).toBeLessThan(1e-5);
    } finally {
      await served.dispose();
    }
  });
});
