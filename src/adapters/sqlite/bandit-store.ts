import type { ArmState, BanditDecision, BanditStore, RewardResult } from '../../ports/bandit-store.js';
import { openSqliteStore, SqliteStoreBase, type SqliteStoreOptions } from './store-base.js';

export type SqliteBanditStoreOptions = SqliteStoreOptions;

interface ArmRow {
  bandit: string;
  arm: string;
  pulls: number;
  reward_sum: number;
  alpha: number;
  beta: number;
  updated_at: string;
}

interface DecisionRow {
  request_id: string;
  bandit: string;
  arm: string;
  propensity: number;
  created_at: string;
  rewarded_at: string | null;
}

/** Opens (creating and migrating) the metadata database for bandit state. */
export function openSqliteBanditStore(options: SqliteBanditStoreOptions): SqliteBanditStore {
  return openSqliteStore(SqliteBanditStore, options);
}

/**
 * BanditStore on better-sqlite3. Each write is one IMMEDIATE transaction, so
 * servers in other processes on the same file take turns (busy_timeout) and a
 * reward's "not rewarded yet" check and its update cannot interleave.
 */
export class SqliteBanditStore extends SqliteStoreBase implements BanditStore {
  async arms(bandit: string): Promise<ArmState[]> {
    return this.guard(() => this.q.sql<ArmRow>('SELECT * FROM bandit_arms WHERE bandit = ? ORDER BY arm').all(bandit).map(toArm));
  }

  async recordDecisions(decisions: readonly BanditDecision[]): Promise<void> {
    if (decisions.length === 0) return;
    const stamp = this.now().toISOString();
    const record = (): void => {
      for (const d of decisions) {
        const inserted = this.q
          .sql('INSERT INTO bandit_decisions (request_id, bandit, arm, propensity, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING')
          .run(d.requestId, d.bandit, d.arm, d.propensity, d.createdAt);
        if (inserted.changes === 0) continue;
        this.q
          .sql(`INSERT INTO bandit_arms (bandit, arm, pulls, updated_at) VALUES (?, ?, 1, ?)
                ON CONFLICT (bandit, arm) DO UPDATE SET pulls = pulls + 1, updated_at = excluded.updated_at`)
          .run(d.bandit, d.arm, stamp);
      }
    };
    this.guard(() => this.db.transaction(record).immediate());
  }

  async applyReward(requestId: string, reward: number): Promise<RewardResult> {
    const stamp = this.now().toISOString();
    const apply = (): RewardResult => {
      const decision = this.q.sql<DecisionRow>('SELECT * FROM bandit_decisions WHERE request_id = ?').get(requestId);
      if (decision === undefined) return { outcome: 'unknown' };
      if (decision.rewarded_at !== null) return { outcome: 'duplicate', decision: toDecision(decision) };
      this.q.sql('UPDATE bandit_decisions SET rewarded_at = ?, reward = ? WHERE request_id = ?').run(stamp, reward, requestId);
      const arm = this.q.one<ArmRow>(
        `INSERT INTO bandit_arms (bandit, arm, pulls, reward_sum, alpha, beta, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?)
         ON CONFLICT (bandit, arm) DO UPDATE SET reward_sum = reward_sum + excluded.reward_sum, alpha = alpha + excluded.alpha,
           beta = beta + excluded.beta, updated_at = excluded.updated_at
         RETURNING *`,
        decision.bandit,
        decision.arm,
        reward,
        reward,
        1 - reward,
        stamp,
      );
      return { outcome: 'applied', decision: toDecision(decision), arm: toArm(arm) };
    };
    return this.guard(() => this.db.transaction(apply).immediate());
  }

}

function toArm(row: ArmRow): ArmState {
  return { bandit: row.bandit, arm: row.arm, pulls: row.pulls, rewardSum: row.reward_sum, alpha: row.alpha, beta: row.beta, updatedAt: row.updated_at };
}

function toDecision(row: DecisionRow): BanditDecision {
  return { requestId: row.request_id, bandit: row.bandit, arm: row.arm, propensity: row.propensity, createdAt: row.created_at };
}
