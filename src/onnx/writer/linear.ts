import { floatsAttr, intAttr, stringAttr } from '../attributes.js';
import { ML_DOMAIN } from '../proto.js';
import type { GraphBuilder, ValueOptions } from './graph-builder.js';

export interface LinearRegressorWeights {
  /** [targets][features]: coefficients[k][j] multiplies feature j for output k. */
  readonly coefficients: readonly (readonly number[])[];
  /** One per target. */
  readonly intercepts: readonly number[];
}

/**
 * Appends an ai.onnx.ml LinearRegressor: output float32 [N, targets] = x · coefficientsᵀ + intercepts.
 * The ML op (rather than Gemm) lets inspectModel recognise the graph as a regressor.
 */
export function linearRegressor(g: GraphBuilder, input: string, weights: LinearRegressorWeights, options: ValueOptions = {}): string {
  const targets = weights.intercepts.length;
  const width = weights.coefficients[0]?.length ?? 0;
  if (targets === 0 || weights.coefficients.length !== targets || weights.coefficients.some((row) => row.length !== width)) {
    throw new Error(`linearRegressor: coefficients must be [${targets}][features], one row per intercept`);
  }
  const attributes = [
    floatsAttr('coefficients', weights.coefficients.flat()),
    floatsAttr('intercepts', weights.intercepts),
    intAttr('targets', targets),
    stringAttr('post_transform', 'NONE'),
  ];
  const [output] = g.node('LinearRegressor', [input], { domain: ML_DOMAIN, attributes, outputs: [options.name] });
  return output as string;
}
