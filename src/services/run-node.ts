import { runCache } from './cache-node.js';
import { runCondition } from './condition.js';
import { runLookup } from './lookup.js';
import { runMap } from './map.js';
import { runMultistage } from './multistage.js';
import { mergeFailed, type NodeValue } from './node-value.js';
import { runParallel } from './parallel.js';
import { runRemote } from './remote/run-remote.js';
import { runShadow } from './shadow.js';
import { runBandit } from './bandit.js';
import { runSplit } from './split.js';
import type { RunContext } from './run-context.js';
import type { ServiceNode } from './schema.js';
import { applyThreshold } from './threshold.js';

/** Runs one node of a service graph on a batch of instances. */
export async function runNode(node: ServiceNode, instances: readonly unknown[], ctx: RunContext): Promise<NodeValue> {
  switch (node.type) {
    case 'model':
      return ctx.runModel({
        model: node.model,
        instances,
        requestId: ctx.requestId,
        service: ctx.service,
        node: `${ctx.branchPath}${node.model}`,
        ...(node.signature !== undefined ? { signature: node.signature } : {}),
      });
    case 'pipeline':
      return runPipeline(node.steps, instances, ctx);
    case 'parallel':
      return runParallel(node, instances, ctx, runNode);
    case 'threshold':
      return applyThreshold(node, await runNode(node.input, instances, ctx), ctx);
    case 'service': {
      // A referenced service sees its own instances as `input`, as it would when called alone.
      const { previous: _previous, ...outer } = ctx;
      return runNode(ctx.graphOf(node.service), instances, { ...outer, input: instances });
    }
    case 'cache':
      return runCache(node, instances, ctx, runNode);
    case 'condition':
      return runCondition(node, instances, ctx, runNode);
    case 'remote':
      return runRemote(node, instances, ctx);
    case 'map':
      return runMap(node, instances, ctx);
    case 'multistage':
      return runMultistage(node, instances, ctx, runNode);
    case 'lookup':
      return runLookup(node, instances, ctx, runNode);
    case 'shadow':
      return runShadow(node, instances, ctx, runNode);
    case 'split':
      return runSplit(node, instances, ctx, runNode);
    case 'bandit':
      return runBandit(node, instances, ctx, runNode);
  }
}

/**
 * Serial: a step's rows are the next step's instances; a switched-off step passes
 * them through. Each step after the first sees the previous step's whole value
 * (`ctx.previous`), which is how `map` nodes and `label` rules read labels.
 */
async function runPipeline(steps: readonly ServiceNode[], instances: readonly unknown[], ctx: RunContext): Promise<NodeValue> {
  // A nested pipeline's first step sees the enclosing step's labels, as it would have without the nesting.
  const labels = ctx.previous?.labels;
  let value: NodeValue = { rows: instances, ...(labels ? { labels } : {}) };
  const failures: (Readonly<Record<string, string>> | undefined)[] = [];
  const routes: string[] = [];
  const variants: string[] = [];
  for (const step of steps) {
    if (step.active === false) continue;
    value = await runNode(step, value.rows, { ...ctx, previous: value });
    failures.push(value.failed);
    if (value.route !== undefined) routes.push(value.route);
    if (value.variant !== undefined) variants.push(value.variant);
  }
  const failed = mergeFailed(failures);
  // Every step's choice is kept, not only the last step's: each shaped the answer.
  const { route: _last, variant: _lastVariant, ...last } = value;
  return {
    ...last,
    ...(failed ? { failed } : {}),
    ...(routes.length > 0 ? { route: routes.join(',') } : {}),
    ...(variants.length > 0 ? { variant: variants.join(',') } : {}),
  };
}
