import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import { withTimeout } from './parallel.js';
import type { RunContext } from './run-context.js';
import type { MultistageNode, ServiceNode } from './schema.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/**
 * Time-difference prediction: `fast` answers now; `slow` runs in the background
 * on the same instances (same request id) and its answer is stored under a job
 * id, which the answer carries as `job`. The slow stage starts once the fast one
 * has answered, so a request the fast stage refuses (a malformed instance)
 * costs no heavy work and leaves no job behind.
 *
 * Where nobody can be handed a later answer (inside another multistage's slow
 * stage, or a run without jobs), the node answers with its slow stage directly:
 * that is the best answer it has.
 */
export async function runMultistage(node: MultistageNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const { jobs, ...withoutJobs } = ctx;
  const timeoutMs = node.timeoutMs ?? 0;
  const slow = (): Promise<NodeValue> =>
    withTimeout(run(node.slow, instances, withoutJobs), timeoutMs, () => new MlError('BRANCH_TIMEOUT', { service: ctx.service, branch: `${ctx.branchPath}slow`, timeoutMs }));
  if (!jobs) return node.slow.active === false ? run(node.fast, instances, ctx) : slow();
  const fast = await run(node.fast, instances, ctx);
  // A switched-off slow stage (`active: ${HEAVY:-true}`) serves the fast answer alone, with no job.
  if (node.slow.active === false) return fast;
  const id = await jobs.start(slow);
  return { ...fast, job: { id } };
}
