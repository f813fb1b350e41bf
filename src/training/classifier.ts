import type { DenseLayer } from '../onnx/writer/mlp.js';
import type { Matrix } from './math.js';

/** What every trainer here returns: float64 predictions in plain JS, and the network to export. */
export interface ProbabilisticClassifier {
  readonly classCount: number;
  readonly featureCount: number;
  /** Class probabilities per row (rows sum to 1), computed in float64. */
  predictProba(features: Matrix): number[][];
  /** Most probable class per row (first on ties). */
  predict(features: Matrix): number[];
  /** The model as dense layers, for the ONNX writer (see exportClassifierToOnnx). */
  denseLayers(): DenseLayer[];
}
