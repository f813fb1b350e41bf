import { describe, expect, it } from 'vitest';
import { CLASS_LABELS_METADATA_KEY } from '../../src/onnx/classify-model.js';
import { inspectModel } from '../../src/onnx/inspect.js';
import { prepareForServing } from '../../src/onnx/rewrite.js';
import { GraphBuilder } from '../../src/onnx/writer/graph-builder.js';
import { loadIris } from '../../src/training/datasets/iris.js';
import { exportClassifierToOnnx } from '../../src/training/export-onnx.js';
import { trainGradientBoostingClassifier } from '../../src/training/gradient-boosting-classifier.js';
import { readReferenceModel } from './helpers/reference-models.js';

function inspectPrepared(name: string): ReturnType<typeof inspectModel> {
  return inspectModel(prepareForServing(readReferenceModel(name)).bytes);
}

describe('inspectModel', () => {
  it('describes a scikit-learn classifier', () => {
    const info = inspectPrepared('iris_svc');
    expect(info.inputs).toEqual([{ name: 'float_input', dtype: 'float32', shape: [-1, 4] }]);
    expect(info.outputs).toEqual([
      { name: 'output_label', dtype: 'int64', shape: [-1] },
      { name: 'output_probability', dtype: 'float32', shape: [-1, 3] },
    ]);
    expect(info.nonTensorOutputs).toEqual([]);
    expect(info).toMatchObject({
      kind: 'classifier',
      classLabels: ['0', '1', '2'],
      probabilityOutput: 'output_probability',
      labelOutput: 'output_label',
      producerName: 'skl2onnx',
      irVersion: 4,
      opsets: { 'ai.onnx': 9, 'ai.onnx.ml': 1 },
    });
    expect(typeof info.producerVersion).toBe('string');
  });

  it('reads binary class labels from the SVM node', () => {
    expect(inspectPrepared('iris_svc_0_setosa')).toMatchObject({ kind: 'classifier', classLabels: ['0', '1'] });
  });

  it('reads class labels from a tree ensemble', () => {
    expect(inspectPrepared('iris_rf')).toMatchObject({ kind: 'classifier', classLabels: ['0', '1', '2'] });
  });

  it('calls a OneClassSVM a regressor', () => {
    const info = inspectPrepared('iris_ocs');
    expect(info.kind).toBe('regressor');
    expect(info.probabilityOutput).toBeUndefined();
    expect(info.outputs.map((o) => o.name)).toEqual(['label', 'scores']);
  });

  it('lists an un-rewritten ZipMap output as non-tensor and still finds the labels', () => {
    const info = inspectModel(readReferenceModel('iris_svc'));
    expect(info.nonTensorOutputs).toEqual(['output_probability']);
    expect(info.outputs.map((o) => o.name)).toEqual(['output_label']);
    expect(info.probabilityOutput).toBeUndefined();
    expect(info.labelOutput).toBe('output_label');
  });
});

describe('inspectModel on tree-ensemble classifiers exported by src/training', () => {
  const iris = loadIris();
  // The TreeEnsembleClassifier's integer labels are the column indexes 0..2; names can only be metadata.
  const model = trainGradientBoostingClassifier(iris.features, [...iris.labels], 3, { nEstimators: 3, maxDepth: 2 });

  it('shows the class_labels metadata as the class labels', () => {
    const bytes = exportClassifierToOnnx(model, { classLabels: iris.classNames });
    expect(inspectModel(bytes)).toMatchObject({ kind: 'classifier', classLabels: ['setosa', 'versicolor', 'virginica'] });
  });

  it("keeps the node's integer labels without metadata", () => {
    expect(inspectModel(exportClassifierToOnnx(model)).classLabels).toEqual(['0', '1', '2']);
  });

  it("keeps the node's labels when the metadata names another number of classes", () => {
    const g = new GraphBuilder('mismatch');
    const input = g.input('features', 'float32', [-1, model.featureCount]);
    model.writeOnnx(g, input, { label: 'label', probabilities: 'probabilities' });
    g.output('probabilities', 'float32', [-1, 3]).output('label', 'int64', [-1]);
    g.metadata(CLASS_LABELS_METADATA_KEY, JSON.stringify(['a', 'b']));
    expect(inspectModel(g.toBytes()).classLabels).toEqual(['0', '1', '2']);
  });
});
