import { sampleBeta, type UniformSource } from '../stats/random.js';

/** An arm's evidence: Σ reward and Σ (1 − reward) over its rewarded requests, without the prior. */
export interface ArmEvidence {
  readonly arm: string;
  readonly alpha: number;
  readonly beta: number;
}

export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

/** The arm that serves a request and the probability the policy had of choosing it. */
export interface BanditChoice {
  readonly arm: string;
  readonly propensity: number;
}

export const DEFAULT_PRIOR: BetaPrior = { alpha: 1, beta: 1 };
export const DEFAULT_EPSILON = 0.1;
/**
 * Monte Carlo draws behind Thompson propensities: the standard error is at most
 * 0.5/√draws ≈ 0.016, enough for inverse-propensity weighting of logged data.
 */
export const THOMPSON_PROPENSITY_DRAWS = 1000;

/**
 * Thompson sampling: one draw per arm from Beta(prior.α + α, prior.β + β); the
 * largest serves. Its propensity (the chance it wins a draw) has no closed form
 * for more than two arms, so `shares` estimates it by repeating the draw; the
 * caller keeps the shares while the evidence stays the same (they cost ~1 ms).
 */
export function chooseThompson(arms: readonly ArmEvidence[], prior: BetaPrior, random: UniformSource, shares: (arm: string) => number): BanditChoice {
  const only = arms.length === 1 ? arms[0] : undefined;
  if (only) return { arm: only.arm, propensity: 1 };
  const arm = armAt(arms, drawWinner(arms, prior, random)).arm;
  return { arm, propensity: shares(arm) };
}

/**
 * Each arm's share of `draws` Thompson draws, smoothed by one draw spread over
 * the arms ((wins + 1/k) / (draws + 1)): an arm that can be chosen never reports 0.
 */
export function thompsonShares(arms: readonly ArmEvidence[], prior: BetaPrior, random: UniformSource, draws = THOMPSON_PROPENSITY_DRAWS): Map<string, number> {
  const wins = arms.map(() => 0);
  for (let i = 0; i < draws; i++) {
    const w = drawWinner(arms, prior, random);
    wins[w] = (wins[w] ?? 0) + 1;
  }
  return new Map(arms.map((a, i) => [a.arm, ((wins[i] ?? 0) + 1 / arms.length) / (draws + 1)]));
}

function drawWinner(arms: readonly ArmEvidence[], prior: BetaPrior, random: UniformSource): number {
  let best = 0;
  let bestDraw = -1;
  arms.forEach((a, i) => {
    const draw = sampleBeta(prior.alpha + a.alpha, prior.beta + a.beta, random);
    if (draw > bestDraw) [best, bestDraw] = [i, draw];
  });
  return best;
}

/**
 * Epsilon-greedy: with probability ε a uniformly random arm, else the arm with the
 * best mean reward (ties broken at random). The mean is the posterior mean
 * (prior.α + Σr) / (prior.α + prior.β + n), so an arm not rewarded yet starts at the
 * prior's mean (0.5 by default) instead of being undefined. The propensity is exact:
 * ε/k for every arm, plus (1 − ε)/|best| for the best ones.
 */
export function chooseEpsilonGreedy(arms: readonly ArmEvidence[], prior: BetaPrior, epsilon: number, random: UniformSource): BanditChoice {
  const means = arms.map((a) => (prior.alpha + a.alpha) / (prior.alpha + prior.beta + a.alpha + a.beta));
  const top = Math.max(...means);
  // Equal evidence gives equal means up to rounding: treat those as a tie, not as a winner.
  const best = arms.filter((_, i) => top - (means[i] ?? 0) <= 1e-12);
  const explore = random() < epsilon;
  const pool = explore ? arms : best;
  const arm = armAt(pool, Math.floor(random() * pool.length)).arm;
  const isBest = best.some((a) => a.arm === arm);
  return { arm, propensity: epsilon / arms.length + (isBest ? (1 - epsilon) / best.length : 0) };
}

function armAt(arms: readonly ArmEvidence[], index: number): ArmEvidence {
  const arm = arms[Math.min(index, arms.length - 1)];
  if (arm === undefined) throw new RangeError('a bandit needs at least one arm');
  return arm;
}
