import type { GraphBuilder } from '../onnx/writer/graph-builder.js';
import { treeEnsembleRegressor } from '../onnx/writer/tree-ensemble.js';
import type { OnnxRegressor } from './export-regressor.js';
import type { Matrix } from './math.js';
import { float32Matrix } from './training-data.js';
import { treeScores, type DecisionTree } from './tree-model.js';

/**
 * A regressor whose prediction is the plain sum of its trees' leaf values (gradient boosting,
 * random forest): exported as a TreeEnsembleRegressor (SUM), and predicted in float32 arithmetic
 * throughout, as onnxruntime evaluates the exported ensemble.
 */
export abstract class TreeSumRegressor implements OnnxRegressor {
  constructor(
    readonly featureCount: number,
    readonly trees: readonly DecisionTree[],
  ) {}

  predict(features: Matrix): number[] {
    return Array.from(treeScores(this.trees, float32Matrix(features, this.featureCount), this.featureCount, 1));
  }

  writeOnnx(g: GraphBuilder, input: string, outputName: string): string {
    return treeEnsembleRegressor(g, input, this.trees, 1, { name: outputName });
  }
}
