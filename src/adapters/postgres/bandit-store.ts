import type { ArmState, BanditDecision, BanditStore, RewardResult } from '../../ports/bandit-store.js';
import { withTransaction } from './session.js';
import { openPostgresStore, PostgresStoreBase, type PostgresStoreOptions } from './store-base.js';

export type PostgresBanditStoreOptions = PostgresStoreOptions;

/** As node-postgres returns them: TIMESTAMPTZ as Date, DOUBLE PRECISION as number. */
interface ArmRow {
  bandit: string;
  arm: string;
  pulls: number;
  reward_sum: number;
  alpha: number;
  beta: number;
  updated_at: Date;
}

interface DecisionRow {
  request_id: string;
  bandit: string;
  arm: string;
  propensity: number;
  created_at: Date;
  rewarded_at: Date | null;
}

/** Connects and applies pending migrations (the metadata store's list: bandit state lives beside the registry). */
export function openPostgresBanditStore(options: PostgresBanditStoreOptions): Promise<PostgresBanditStore> {
  return openPostgresStore(PostgresBanditStore, options);
}

/**
 * BanditStore on PostgreSQL. A reward is a conditional UPDATE (`rewarded_at IS
 * NULL`): of two servers applying the same feedback at once, the second waits
 * for the first's row lock, then matches nothing, so a reward counts once.
 */
export class PostgresBanditStore extends PostgresStoreBase implements BanditStore {
  async arms(bandit: string): Promise<ArmState[]> {
    const { rows } = await this.guard(() => this.pool.query<ArmRow>('SELECT * FROM bandit_arms WHERE bandit = $1 ORDER BY arm COLLATE "C"', [bandit]));
    return rows.map(toArm);
  }

  async recordDecisions(decisions: readonly BanditDecision[]): Promise<void> {
    if (decisions.length === 0) return;
    const at = this.now();
    await this.guard(() =>
      withTransaction(this.pool, async (tx) => {
        const { rows } = await tx.query<{ bandit: string; arm: string }>(
          `INSERT INTO bandit_decisions (request_id, bandit, arm, propensity, created_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[])
           ON CONFLICT (request_id) DO NOTHING RETURNING bandit, arm`,
          [decisions.map((d) => d.requestId), decisions.map((d) => d.bandit), decisions.map((d) => d.arm), decisions.map((d) => d.propensity), decisions.map((d) => d.createdAt)],
        );
        const pulls = new Map<string, { bandit: string; arm: string; count: number }>();
        for (const { bandit, arm } of rows) {
          const key = JSON.stringify([bandit, arm]);
          const entry = pulls.get(key);
          if (entry) entry.count++;
          else pulls.set(key, { bandit, arm, count: 1 });
        }
        // Arms in one order in every transaction, so two batches cannot deadlock on each other's rows.
        for (const [, p] of [...pulls].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          await tx.query(
            `INSERT INTO bandit_arms (bandit, arm, pulls, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (bandit, arm) DO UPDATE SET pulls = bandit_arms.pulls + excluded.pulls, updated_at = excluded.updated_at`,
            [p.bandit, p.arm, p.count, at],
          );
        }
      }),
    );
  }

  async applyReward(requestId: string, reward: number): Promise<RewardResult> {
    const at = this.now();
    return this.guard(() =>
      withTransaction(this.pool, async (tx): Promise<RewardResult> => {
        const updated = await tx.query<DecisionRow>(
          'UPDATE bandit_decisions SET rewarded_at = $1, reward = $2 WHERE request_id = $3 AND rewarded_at IS NULL RETURNING *',
          [at, reward, requestId],
        );
        const [decision] = updated.rows;
        if (decision === undefined) {
          const { rows } = await tx.query<DecisionRow>('SELECT * FROM bandit_decisions WHERE request_id = $1', [requestId]);
          const [seen] = rows;
          return seen === undefined ? { outcome: 'unknown' } : { outcome: 'duplicate', decision: toDecision(seen) };
        }
        const { rows } = await tx.query<ArmRow>(
          `INSERT INTO bandit_arms (bandit, arm, pulls, reward_sum, alpha, beta, updated_at) VALUES ($1, $2, 0, $3, $3, $4, $5)
           ON CONFLICT (bandit, arm) DO UPDATE SET reward_sum = bandit_arms.reward_sum + excluded.reward_sum,
             alpha = bandit_arms.alpha + excluded.alpha, beta = bandit_arms.beta + excluded.beta, updated_at = excluded.updated_at
           RETURNING *`,
          [decision.bandit, decision.arm, reward, 1 - reward, at],
        );
        const [arm] = rows;
        if (arm === undefined) throw new Error('an upsert with RETURNING returned no row');
        return { outcome: 'applied', decision: toDecision(decision), arm: toArm(arm) };
      }),
    );
  }

}

function toArm(row: ArmRow): ArmState {
  return {
    bandit: row.bandit,
    arm: row.arm,
    pulls: Number(row.pulls),
    rewardSum: Number(row.reward_sum),
    alpha: Number(row.alpha),
    beta: Number(row.beta),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toDecision(row: DecisionRow): BanditDecision {
  return { requestId: row.request_id, bandit: row.bandit, arm: row.arm, propensity: Number(row.propensity), createdAt: row.created_at.toISOString() };
}
