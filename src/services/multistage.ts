import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import type { RunContext } from './run-context.js';
import type { MultistageNode, ServiceNode } from './schema.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/** Placeholder until the multistage node lands (issue 4). */
export async function runMultistage(node: MultistageNode, _instances: readonly unknown[], ctx: RunContext, _run: RunNode): Promise<NodeValue> {
  throw new MlError('GRAPH_OUTPUT_INVALID', { service: ctx.service, node: node.type, reason: 'multistage is not implemented yet' });
}
