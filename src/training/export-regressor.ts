import { GraphBuilder } from '../onnx/writer/graph-builder.js';
import type { Matrix } from './math.js';

/** What every regressor here offers: predictions in plain JS, and a way into an ONNX graph. */
export interface OnnxRegressor {
  readonly featureCount: number;
  /** One prediction per row; inputs are rounded to float32 first, as the served model receives them. */
  predict(features: Matrix): number[];
  /**
   * Appends the model's ops to `g`: they read `input` (float32 [N, featureCount]) and produce a
   * float32 [N, 1] value named `outputName`, which this returns.
   */
  writeOnnx(g: GraphBuilder, input: string, outputName: string): string;
}

export interface RegressorExportOptions {
  /** Graph input name. @default "features" */
  readonly inputName?: string;
  /** Graph output name (what scikit-learn exports name it). @default "variable" */
  readonly outputName?: string;
  /** Graph name. @default "regressor" */
  readonly name?: string;
  readonly docString?: string;
}

/**
 * Writes a trained regressor as ONNX: float32 input [N, features] → float32 output [N, 1].
 * onnxruntime on the file gives the model's predict() within float32 accumulation error
 * (test/training/parity.test.ts states the bound per model type).
 */
export function exportRegressorToOnnx(model: OnnxRegressor, options: RegressorExportOptions = {}): Uint8Array {
  const g = new GraphBuilder(options.name ?? 'regressor', options.docString === undefined ? {} : { docString: options.docString });
  const input = g.input(options.inputName ?? 'features', 'float32', [-1, model.featureCount]);
  const output = model.writeOnnx(g, input, options.outputName ?? 'variable');
  g.output(output, 'float32', [-1, 1]);
  return g.toBytes();
}
