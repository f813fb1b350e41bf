import { GraphBuilder } from '../onnx/writer/graph-builder.js';
import { CLASS_LABELS_METADATA_KEY } from '../onnx/classify-model.js';
import { mlp } from '../onnx/writer/mlp.js';
import type { ProbabilisticClassifier } from './classifier.js';

export interface ClassifierExportOptions {
  /** Graph input name. @default "features" */
  readonly inputName?: string;
  /** Class labels in column order, stored as model metadata. */
  readonly classLabels?: readonly string[];
  /** Graph name. @default "classifier" */
  readonly name?: string;
  readonly docString?: string;
}

export interface ClassifierOutputNames {
  readonly label: string;
  readonly probabilities: string;
}

/** A classifier that writes its own ops (tree ensembles), rather than handing dense layers to the MLP writer. */
export interface OnnxClassifier {
  readonly classCount: number;
  readonly featureCount: number;
  /**
   * Appends the model's ops to `g`, reading `input` (float32 [N, featureCount]) and producing the
   * values `names.probabilities` (float32 [N, classCount]) and `names.label` (int64 [N]).
   */
  writeOnnx(g: GraphBuilder, input: string, names: ClassifierOutputNames): void;
}

const OUTPUTS: ClassifierOutputNames = { label: 'label', probabilities: 'probabilities' };

/**
 * Writes a trained classifier as ONNX: float32 input [N, features], outputs `probabilities` float32
 * [N, classes] and `label` int64 [N]. Networks (logistic regression, MLP) go through the MLP writer,
 * their float32 weights making the file's probabilities differ from predictProba by float32 rounding
 * only; tree ensembles write a TreeEnsembleClassifier whose outputs are these two tensors directly.
 */
export function exportClassifierToOnnx(model: ProbabilisticClassifier | OnnxClassifier, options: ClassifierExportOptions = {}): Uint8Array {
  if (!('writeOnnx' in model)) {
    return mlp({
      layers: model.denseLayers(),
      outputs: 'probabilities',
      name: options.name ?? 'classifier',
      ...(options.inputName !== undefined && { inputName: options.inputName }),
      ...(options.classLabels !== undefined && { classLabels: options.classLabels }),
      ...(options.docString !== undefined && { docString: options.docString }),
    }).toBytes();
  }
  const g = new GraphBuilder(options.name ?? 'classifier', options.docString === undefined ? {} : { docString: options.docString });
  const input = g.input(options.inputName ?? 'features', 'float32', [-1, model.featureCount]);
  model.writeOnnx(g, input, OUTPUTS);
  g.output(OUTPUTS.probabilities, 'float32', [-1, model.classCount]);
  g.output(OUTPUTS.label, 'int64', [-1]);
  if (options.classLabels !== undefined) {
    if (options.classLabels.length !== model.classCount) {
      throw new Error(`${options.classLabels.length} class labels for ${model.classCount} classes`);
    }
    g.metadata(CLASS_LABELS_METADATA_KEY, JSON.stringify(options.classLabels));
  }
  return g.toBytes();
}
