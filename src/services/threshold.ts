import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import type { RunContext } from './run-context.js';
import type { ThresholdNode } from './schema.js';

/**
 * Parameter-based serving: each row becomes `{score, flag}` with flag 1 when
 * score ≥ threshold. The threshold is configuration (an environment parameter
 * through `${VAR:-default}`), so an operator can tune it without a new model.
 */
export function applyThreshold(node: ThresholdNode, input: NodeValue, ctx: RunContext): NodeValue {
  const rows = input.rows.map((row, i) => {
    const score = node.column === undefined ? row : Array.isArray(row) ? (row as unknown[])[node.column] : undefined;
    if (typeof score !== 'number') {
      const want = node.column === undefined ? 'a number (set "column" for array rows)' : `an array with a number at column ${node.column}`;
      throw new MlError('GRAPH_OUTPUT_INVALID', { service: ctx.service, node: 'threshold', reason: `instance ${i}: expected ${want}, got ${JSON.stringify(row)}` });
    }
    return { score, flag: score >= node.threshold ? 1 : 0 };
  });
  // Labels describe the input's classes, not the flags: they stay behind.
  return { rows, ...(input.failed ? { failed: input.failed } : {}), ...(input.route !== undefined ? { route: input.route } : {}) };
}
