import { MlError } from '../../errors/ml-error.js';
import type { NodeValue } from '../node-value.js';
import type { RunContext } from '../run-context.js';
import type { RemoteNode } from '../schema.js';

/** Runs a `remote` node through the repository's clients (pools and breakers live as long as the server). */
export function runRemote(node: RemoteNode, instances: readonly unknown[], ctx: RunContext): Promise<NodeValue> {
  if (!ctx.remotes) return Promise.reject(new MlError('INTERNAL', { reason: 'remote nodes need a ServiceRepository' }));
  return ctx.remotes.call(node, instances, ctx.requestId);
}
