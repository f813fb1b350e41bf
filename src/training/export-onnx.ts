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

/**
 * Writes a trained classifier as ONNX: float32 input [N, features], outputs
 * `probabilities` float32 [N, classes] and `label` int64 [N]. Weights are stored as
 * float32, so the file's probabilities differ from predictProba by float32 rounding only.
 */
export function exportClassifierToOnnx(model: ProbabilisticClassifier, options: ClassifierExportOptions = {}): Uint8Array {
  return mlp({
    layers: model.denseLayers(),
    outputs: 'probabilities',
    name: options.name ?? 'classifier',
    ...(options.inputName !== undefined && { inputName: options.inputName }),
    ...(options.classLabels !== undefined && { classLabels: options.classLabels }),
    ...(options.docString !== undefined && { docString: options.docString }),
  }).toBytes();
}
