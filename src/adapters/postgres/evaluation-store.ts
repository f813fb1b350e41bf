import type { Pool, PoolClient } from 'pg';
import type { Evaluation } from '../../evaluation/evaluate.js';
import type { EvaluationQuery, EvaluationRevision, EvaluationStore, LatestQuery, SaveResult, StoredEvaluation } from '../../ports/evaluation-store.js';
import { METRIC_COLUMNS, evaluationOf, metricParams, metricValues, metricsOfRow, windowChange, windowKey, type MetricValues, type WindowKey } from '../evaluation-columns.js';
import { openMigratedPool } from './migrations.js';
import { BY_CODE_POINT, toStoreError, withTransaction } from './session.js';

export interface PostgresEvaluationStoreOptions {
  readonly connectionString: string;
  /** Schema holding the tables (the metadata store's), created when missing. @default the server's search_path */
  readonly schema?: string;
  /** Connections in the pool. @default 2 */
  readonly max?: number;
  /** Clock for `computed_at`. @default () => new Date() */
  readonly now?: () => Date;
}

/** As node-postgres returns them: TIMESTAMPTZ as Date, BIGINT as string. */
interface WindowRow extends Record<string, unknown> {
  model: string;
  version: string;
  window_start: Date;
  window_ms: string;
  window_end: Date;
  computed_at: Date;
  revised_at?: Date;
  revisions?: number;
}

const COLUMNS = METRIC_COLUMNS.join(', ');
const KEY = 'model = $1 AND version = $2 AND window_start = $3 AND window_ms = $4';

/** Connects and applies pending migrations (the metadata store's list: evaluations live beside the registry). */
export async function openPostgresEvaluationStore(options: PostgresEvaluationStoreOptions): Promise<PostgresEvaluationStore> {
  const now = options.now ?? (() => new Date());
  const pool = await openMigratedPool({ ...options, max: options.max ?? 2, connectionTimeoutMillis: 5000 }, now());
  return new PostgresEvaluationStore(pool, options.connectionString, now);
}

/**
 * EvaluationStore on PostgreSQL. A save holds transaction-scoped advisory locks
 * on the models it writes (taken in name order, so two saves cannot deadlock),
 * making read-compare-write one step for every process on every machine.
 */
export class PostgresEvaluationStore implements EvaluationStore {
  constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    private readonly now: () => Date,
  ) {}

  async save(evaluations: readonly Evaluation[]): Promise<SaveResult> {
    const windows = evaluations.map((e) => ({ key: windowKey(e), values: metricValues(e) }));
    const at = this.now();
    const models = [...new Set(windows.map((w) => w.key.model))].sort();
    return this.guard(() =>
      withTransaction(this.pool, async (tx): Promise<SaveResult> => {
        for (const model of models) await tx.query("SELECT pg_advisory_xact_lock(hashtext('mlpatterns.evaluations'), hashtext($1))", [model]);
        const result = { created: 0, revised: 0, unchanged: 0, kept: 0 };
        for (const { key, values } of windows) {
          const id = [key.model, key.version, key.start, key.ms];
          const { rows } = await tx.query<WindowRow>(`SELECT * FROM evaluations WHERE ${KEY}`, id);
          const change = windowChange(rows[0], values);
          if (change === 'created') {
            const params = [...id, key.end, ...metricParams(values), at];
            const slots = params.map((_, i) => `$${i + 1}`);
            await tx.query(
              `INSERT INTO evaluations (model, version, window_start, window_ms, window_end, ${COLUMNS}, computed_at, revised_at, revisions)
               VALUES (${slots.join(', ')}, $${params.length}, 1)`,
              params,
            );
            await addRevision(tx, key, values, at);
          } else if (change === 'unchanged') {
            await tx.query(`UPDATE evaluations SET computed_at = $5 WHERE ${KEY}`, [...id, at]);
          } else if (change === 'revised') {
            const sets = METRIC_COLUMNS.map((c, i) => `${c} = $${i + 5}`).join(', ');
            const stampSlot = METRIC_COLUMNS.length + 5;
            await tx.query(`UPDATE evaluations SET ${sets}, computed_at = $${stampSlot}, revised_at = $${stampSlot}, revisions = revisions + 1 WHERE ${KEY}`, [
              ...id,
              ...metricParams(values),
              at,
            ]);
            await addRevision(tx, key, values, at);
          }
          result[change] += 1;
        }
        return result;
      }),
    );
  }

  async list(query: EvaluationQuery = {}): Promise<StoredEvaluation[]> {
    const { where, params } = filters(query);
    const { rows } = await this.guard(() =>
      this.pool.query<WindowRow>(`SELECT * FROM evaluations ${where} ORDER BY model ${BY_CODE_POINT}, version ${BY_CODE_POINT}, window_start, window_ms`, params),
    );
    return rows.map(toStored);
  }

  async latest(query: LatestQuery): Promise<StoredEvaluation | undefined> {
    const params: unknown[] = [query.model, query.windowMs, query.minJoined ?? 1];
    const clauses = ['model = $1', 'window_ms = $2', 'joined >= $3'];
    if (query.version !== undefined) {
      params.push(query.version);
      clauses.push(`version = $${params.length}`);
    }
    if (query.complete === true) clauses.push('window_end <= computed_at');
    const { rows } = await this.guard(() =>
      this.pool.query<WindowRow>(`SELECT * FROM evaluations WHERE ${clauses.join(' AND ')} ORDER BY window_start DESC, joined DESC, version ${BY_CODE_POINT} DESC LIMIT 1`, params),
    );
    const [row] = rows;
    return row === undefined ? undefined : toStored(row);
  }

  async revisions(query: EvaluationQuery = {}): Promise<EvaluationRevision[]> {
    const { where, params } = filters(query);
    const { rows } = await this.guard(() =>
      this.pool.query<WindowRow>(`SELECT * FROM evaluation_revisions ${where} ORDER BY model ${BY_CODE_POINT}, version ${BY_CODE_POINT}, window_start, window_ms, id`, params),
    );
    return rows.map((row) => ({
      ...evaluationOf(row.model, row.version, row.window_start.toISOString(), row.window_end.toISOString(), metricsOfRow(row)),
      window_ms: Number(row.window_ms),
      computed_at: row.computed_at.toISOString(),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, this.connectionString);
    }
  }
}

async function addRevision(tx: PoolClient, key: WindowKey, values: MetricValues, at: Date): Promise<void> {
  const params = [key.model, key.version, key.start, key.ms, key.end, ...metricParams(values), at];
  await tx.query(
    `INSERT INTO evaluation_revisions (model, version, window_start, window_ms, window_end, ${COLUMNS}, computed_at)
     VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`,
    params,
  );
}

function filters(query: EvaluationQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, op: string, value: unknown): void => {
    params.push(value);
    clauses.push(`${column} ${op} $${params.length}`);
  };
  if (query.model !== undefined) add('model', '=', query.model);
  if (query.version !== undefined) add('version', '=', query.version);
  if (query.windowMs !== undefined) add('window_ms', '=', query.windowMs);
  if (query.since !== undefined) add('window_end', '>', query.since);
  if (query.until !== undefined) add('window_start', '<', query.until);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

function toStored(row: WindowRow): StoredEvaluation {
  const computedAt = row.computed_at.toISOString();
  return {
    ...evaluationOf(row.model, row.version, row.window_start.toISOString(), row.window_end.toISOString(), metricsOfRow(row)),
    window_ms: Number(row.window_ms),
    computed_at: computedAt,
    revised_at: row.revised_at?.toISOString() ?? computedAt,
    revisions: row.revisions ?? 1,
  };
}
