/**
 * BanditStore: the state of `bandit` service nodes, kept in the metadata store
 * so a restart (or another server on the same store) continues where the last
 * one stopped. Two tables: the arms' running totals, and one decision per
 * request (which arm served it, with what probability) that feedback is joined
 * to. Adapters: SQLite (the state directory's metadata database) and
 * PostgreSQL (`storage.metadata: postgres://…`); both pass
 * test/contract/bandit-store.contract.ts.
 */

/**
 * One arm's totals. `alpha`/`beta` are the evidence only (Σ reward, Σ (1 − reward)),
 * without the node's prior: changing the prior in config applies to old evidence too.
 */
export interface ArmState {
  readonly bandit: string;
  readonly arm: string;
  /** Times the arm was chosen (decisions recorded). */
  readonly pulls: number;
  /** Σ reward over rewarded decisions. */
  readonly rewardSum: number;
  readonly alpha: number;
  readonly beta: number;
  readonly updatedAt: string;
}

/** Which arm served one request, and the probability it had of being chosen. */
export interface BanditDecision {
  readonly requestId: string;
  readonly bandit: string;
  readonly arm: string;
  readonly propensity: number;
  /** ISO-8601. */
  readonly createdAt: string;
}

/**
 * - `applied`: the reward was added to the arm that served the request (`arm` is its new state);
 * - `duplicate`: that request was rewarded before; nothing changed (feedback is idempotent);
 * - `unknown`: no bandit decision for that request id (not served by a bandit, or not recorded yet).
 */
export type RewardResult =
  | { readonly outcome: 'applied'; readonly decision: BanditDecision; readonly arm: ArmState }
  | { readonly outcome: 'duplicate'; readonly decision: BanditDecision }
  | { readonly outcome: 'unknown' };

export interface BanditStore {
  /** Every arm of one bandit that has state, by arm name. */
  arms(bandit: string): Promise<ArmState[]>;
  /**
   * Records decisions and counts their pulls, in one transaction. A request id
   * already recorded is skipped (a retried write does not count a pull twice).
   */
  recordDecisions(decisions: readonly BanditDecision[]): Promise<void>;
  /** Adds `reward` (in [0, 1]) to the arm that served `requestId`, once per request id. */
  applyReward(requestId: string, reward: number): Promise<RewardResult>;
  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
