import type { GraphBuilder } from '../onnx/writer/graph-builder.js';
import { treeEnsembleClassifier } from '../onnx/writer/tree-ensemble.js';
import type { ClassifierOutputNames, OnnxClassifier } from './export-onnx.js';
import { boost, resolveBoostingParams, type BoostingLoss, type GradientBoostingParams } from './gradient-boosting.js';
import type { Matrix } from './math.js';
import { checkFeatures, checkLabels, float32Matrix } from './training-data.js';
import { treeScores, type DecisionTree } from './tree-model.js';

/** Class priors are clipped here before the log, so that a class absent from training stays finite. */
const MIN_PRIOR = 1e-15;
/** Hessians are floored here: p(1-p) underflows for confident rows, and a zero would stall the Newton step. */
const MIN_HESSIAN = 1e-16;

/**
 * Boosted trees over class scores: probabilities = softmax(scores), label = first class of highest
 * score. Two classes are written as scores (-s/2, +s/2), whose softmax is sigmoid(s). Exported as a
 * TreeEnsembleClassifier (SOFTMAX post-transform) with int64 labels 0..C-1.
 */
export class GradientBoostingClassifier implements OnnxClassifier {
  constructor(
    readonly featureCount: number,
    readonly classCount: number,
    readonly trees: readonly DecisionTree[],
  ) {}

  /** Class scores per row ([row * classCount + c]), summed in float32 as onnxruntime does. */
  scores(features: Matrix): Float32Array {
    return treeScores(this.trees, float32Matrix(features, this.featureCount), this.featureCount, this.classCount);
  }

  predictProba(features: Matrix): number[][] {
    const scores = this.scores(features);
    const c = this.classCount;
    return features.map((_, i) => softmax(scores.subarray(i * c, (i + 1) * c)));
  }

  /** The first class with the highest float32 score (onnxruntime's label, ties included). */
  predict(features: Matrix): number[] {
    const scores = this.scores(features);
    const c = this.classCount;
    return features.map((_, i) => {
      let best = 0;
      for (let k = 1; k < c; k++) if (scores[i * c + k]! > scores[i * c + best]!) best = k;
      return best;
    });
  }

  writeOnnx(g: GraphBuilder, input: string, names: ClassifierOutputNames): void {
    treeEnsembleClassifier(g, input, this.trees, this.classCount, 'SOFTMAX', { name: names.probabilities, labelName: names.label });
  }
}

function softmax(scores: Float32Array): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) max = Math.max(max, s);
  const exps = Array.from(scores, (s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Binary log-loss on one score s = logit(p(class 1)). */
function binaryLogLoss(labels: readonly number[]): BoostingLoss {
  const positive = labels.reduce((n, label) => n + label, 0) / labels.length;
  const p0 = Math.min(1 - MIN_PRIOR, Math.max(MIN_PRIOR, positive));
  return {
    scoreCount: 1,
    unitHessian: false,
    initialScores: () => [Math.log(p0 / (1 - p0))],
    gradients: (scores, [grad], [hess]) => {
      for (let i = 0; i < labels.length; i++) {
        const p = 1 / (1 + Math.exp(-scores[i]!));
        grad![i] = p - labels[i]!;
        hess![i] = Math.max(p * (1 - p), MIN_HESSIAN);
      }
    },
    leafOutputs: (_k, v) => ({ targets: [0, 1], values: [-v / 2, v / 2] }),
  };
}

/**
 * Softmax cross-entropy on one score per class; one tree per class and round. The hessian carries
 * LightGBM's factor C/(C-1), which accounts for the softmax's one redundant degree of freedom.
 */
function softmaxLoss(labels: readonly number[], classCount: number): BoostingLoss {
  const counts = new Array<number>(classCount).fill(0);
  for (const label of labels) counts[label]!++;
  const factor = classCount / (classCount - 1);
  return {
    scoreCount: classCount,
    unitHessian: false,
    initialScores: () => counts.map((n) => Math.log(Math.max(MIN_PRIOR, n / labels.length))),
    gradients: (scores, grad, hess) => {
      const p = new Float64Array(classCount);
      for (let i = 0; i < labels.length; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < classCount; c++) max = Math.max(max, scores[i * classCount + c]!);
        let total = 0;
        for (let c = 0; c < classCount; c++) total += p[c] = Math.exp(scores[i * classCount + c]! - max);
        for (let c = 0; c < classCount; c++) {
          const pc = p[c]! / total;
          grad[c]![i] = pc - (labels[i] === c ? 1 : 0);
          hess[c]![i] = Math.max(factor * pc * (1 - pc), MIN_HESSIAN);
        }
      }
    },
    leafOutputs: (k, v) => ({ targets: [k], values: [v] }),
  };
}

/**
 * Gradient-boosted classification trees (log-loss) with histogram splits; `labels` are class indices
 * 0..classCount-1. Same options as the regressor.
 *
 * @throws MlError INVALID_TRAINING_DATA for empty, ragged or non-finite data, bad labels, or an option out of range.
 */
export function trainGradientBoostingClassifier(
  features: Matrix,
  labels: readonly number[],
  classCount: number,
  params: GradientBoostingParams = {},
): GradientBoostingClassifier {
  const resolved = resolveBoostingParams(params);
  const width = checkFeatures(features);
  checkLabels(labels, features.length, classCount);
  const loss = classCount === 2 ? binaryLogLoss(labels) : softmaxLoss(labels, classCount);
  return new GradientBoostingClassifier(width, classCount, boost(features, width, loss, resolved));
}
