import type { GraphBuilder } from '../onnx/writer/graph-builder.js';
import { treeEnsembleRegressor } from '../onnx/writer/tree-ensemble.js';
import type { OnnxRegressor } from './export-regressor.js';
import { boost, resolveBoostingParams, type BoostingLoss, type GradientBoostingParams } from './gradient-boosting.js';
import type { Matrix } from './math.js';
import { checkFeatures, checkTargets, float32Matrix } from './training-data.js';
import { treeScores, type DecisionTree } from './tree-model.js';

/** Sum of regression trees (the mean target folded into the first). Exported as a TreeEnsembleRegressor. */
export class GradientBoostingRegressor implements OnnxRegressor {
  constructor(
    readonly featureCount: number,
    readonly trees: readonly DecisionTree[],
  ) {}

  /** Float32 arithmetic throughout, as onnxruntime evaluates the exported ensemble. */
  predict(features: Matrix): number[] {
    return Array.from(treeScores(this.trees, float32Matrix(features, this.featureCount), this.featureCount, 1));
  }

  writeOnnx(g: GraphBuilder, input: string, outputName: string): string {
    return treeEnsembleRegressor(g, input, this.trees, 1, { name: outputName });
  }
}

/** Squared error: gradient F - y, hessian 1, so each leaf is the mean residual of its rows. */
function squaredError(targets: readonly number[]): BoostingLoss {
  const mean = targets.reduce((s, y) => s + y, 0) / targets.length;
  return {
    scoreCount: 1,
    unitHessian: true,
    initialScores: () => [mean],
    gradients: (scores, [grad], [hess]) => {
      for (let i = 0; i < targets.length; i++) {
        grad![i] = scores[i]! - targets[i]!;
        hess![i] = 1;
      }
    },
    leafOutputs: (_k, v) => ({ targets: [0], values: [v] }),
  };
}

/**
 * Gradient-boosted regression trees on squared error with histogram splits.
 * Deterministic for a given seed; about 100k rows × 20 features × 100 trees of depth 6 in seconds.
 *
 * @throws MlError INVALID_TRAINING_DATA for empty, ragged or non-finite data, or an option out of range.
 */
export function trainGradientBoostingRegressor(
  features: Matrix,
  targets: readonly number[],
  params: GradientBoostingParams = {},
): GradientBoostingRegressor {
  const resolved = resolveBoostingParams(params);
  const width = checkFeatures(features);
  checkTargets(targets, features.length);
  return new GradientBoostingRegressor(width, boost(features, width, squaredError(targets), resolved));
}
