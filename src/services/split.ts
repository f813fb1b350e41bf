import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import { nodeLabel } from './node-label.js';
import { ownKey, ownPath } from './own-path.js';
import type { RunContext } from './run-context.js';
import type { ServiceNode, SplitNode, SplitSticky } from './schema.js';
import { unitHash } from './stable-hash.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/** The variant of a split that served one request. */
export interface SplitEvent {
  readonly service: string;
  /** The split node's path in its graph (metrics label). */
  readonly node: string;
  readonly variant: string;
}

/**
 * Online A/B: one variant serves the whole request, picked by weight. Sticky,
 * the pick is a hash of the salt and the sticky value (a user always sees the
 * same variant); otherwise a hash of the request id (a replay picks the same).
 * The answer's `variant` names it; nested splits join with "/" ("b/b2").
 */
export async function runSplit(node: SplitNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const weights = Object.entries(node.variants).map(([name, v]) => [name, v.node.active === false ? 0 : v.weight] as const);
  const name = chooseVariant(weights, assignmentPoint(node, ctx));
  const variant = name === undefined ? undefined : node.variants[name];
  if (name === undefined || !variant) throw new MlError('INTERNAL', { reason: `split in service "${ctx.service}" has no variant with a positive weight switched on` });
  ctx.onSplit?.({ service: ctx.service, node: nodeLabel(node, ctx, `${ctx.branchPath}split`), variant: name });
  const value = await run(variant.node, instances, { ...ctx, branchPath: `${ctx.branchPath}${name}/` });
  return { ...value, variant: value.variant !== undefined ? `${name}/${value.variant}` : name };
}

/**
 * The variant at `point` (in [0, 1)) of the weights laid end to end: the share
 * of points each variant gets is its weight over the total. Zero weights get none.
 */
export function chooseVariant(weights: readonly (readonly [string, number])[], point: number): string | undefined {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) return undefined;
  let at = point * total;
  let last: string | undefined;
  for (const [name, weight] of weights) {
    if (weight <= 0) continue;
    if (at < weight) return name;
    at -= weight;
    last = name;
  }
  return last; // rounding at the very top end
}

/** Where this request falls in [0, 1): from the sticky value when there is one, else from the request id. */
export function assignmentPoint(node: Pick<SplitNode, 'sticky' | 'salt'>, ctx: Pick<RunContext, 'requestId' | 'request' | 'keys'>): number {
  const salt = node.salt ?? '';
  const value = node.sticky ? stickyValue(node.sticky, ctx) : undefined;
  // A request without the sticky value (an anonymous caller) is assigned like a non-sticky one.
  return value !== undefined ? unitHash(`${salt}\u0000sticky:${value}`) : unitHash(`${salt}\u0000request:${ctx.requestId}`);
}

function stickyValue(sticky: SplitSticky, ctx: Pick<RunContext, 'request' | 'keys'>): string | undefined {
  const raw = 'header' in sticky ? ownKey(ctx.request?.headers, sticky.header.toLowerCase()) : 'field' in sticky ? ownPath(ctx.request?.fields, sticky.field) : ctx.keys?.[0];
  return typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
}
