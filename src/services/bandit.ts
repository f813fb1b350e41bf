import { MlError } from '../errors/ml-error.js';
import { chooseEpsilonGreedy, chooseThompson, DEFAULT_EPSILON, DEFAULT_PRIOR, thompsonShares } from './bandit-policy.js';
import type { NodeValue } from './node-value.js';
import { nodeLabel } from './node-label.js';
import type { RunContext } from './run-context.js';
import type { BanditNode, ServiceNode } from './schema.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/** The state id of a bandit node: its `name`, else "<service>/<node path>". */
export function banditName(node: BanditNode, ctx: Pick<RunContext, 'service' | 'graphOf' | 'branchPath'>): string {
  return node.name ?? `${ctx.service}/${nodeLabel(node, ctx, `${ctx.branchPath}bandit`)}`;
}

/**
 * Multi-armed bandit: one arm serves the whole request, chosen by the policy
 * from the rewards earlier requests got. The decision (arm, propensity) is
 * queued for the store before the arm runs, so feedback can reward a failure
 * too; the answer names the arm (`variant`) and its `propensity`.
 */
export async function runBandit(node: BanditNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const states = ctx.bandits;
  if (!states) throw new MlError('INTERNAL', { reason: `bandit in service "${ctx.service}" runs outside a ServiceRepository (no state)` });
  const name = banditName(node, ctx);
  const arms = Object.keys(node.arms).filter((arm) => node.arms[arm]?.active !== false);
  if (arms.length === 0) throw new MlError('INTERNAL', { reason: `bandit in service "${ctx.service}" has no arm switched on` });
  const evidence = await states.evidence(name, arms);
  const random = states.random(name, node.seed);
  const prior = node.prior ?? DEFAULT_PRIOR;
  const choice =
    node.policy === 'epsilon-greedy'
      ? chooseEpsilonGreedy(evidence, prior, node.epsilon ?? DEFAULT_EPSILON, random)
      : chooseThompson(evidence, prior, random, (arm) => {
          // Estimated once per state of the evidence (and prior), not per request.
          const key = JSON.stringify([prior, evidence]);
          return states.memo(name, key, () => thompsonShares(evidence, prior, random)).get(arm) ?? 0;
        });
  states.record({ requestId: ctx.requestId, bandit: name, arm: choice.arm, propensity: choice.propensity, createdAt: new Date().toISOString() });
  const armNode = node.arms[choice.arm];
  if (!armNode) throw new MlError('INTERNAL', { reason: `bandit chose an arm it does not have: ${choice.arm}` });
  const value = await run(armNode, instances, { ...ctx, branchPath: `${ctx.branchPath}${choice.arm}/` });
  return {
    ...value,
    extras: { ...value.extras, propensity: value.rows.map(() => choice.propensity) },
    variant: value.variant !== undefined ? `${choice.arm}/${value.variant}` : choice.arm,
  };
}
