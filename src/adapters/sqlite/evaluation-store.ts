import type { Evaluation } from '../../evaluation/evaluate.js';
import type { EvaluationQuery, EvaluationRevision, EvaluationStore, LatestQuery, SaveResult, StoredEvaluation } from '../../ports/evaluation-store.js';
import { METRIC_COLUMNS, evaluationOf, metricParams, metricValues, metricsOfRow, windowChange, windowKey, type MetricValues, type WindowKey } from '../evaluation-columns.js';
import { openMigratedDatabase } from './migrations.js';
import { Statements, toStoreError, type SqliteDatabase } from './session.js';

export interface SqliteEvaluationStoreOptions {
  /** The metadata database file (evaluations live beside the registry), or `:memory:`. */
  readonly path: string;
  /** Clock for `computed_at`. @default () => new Date() */
  readonly now?: () => Date;
}

interface WindowRow extends Record<string, unknown> {
  model: string;
  version: string;
  window_start: string;
  window_ms: number;
  window_end: string;
  computed_at: string;
  revised_at?: string;
  revisions?: number;
}

const COLUMNS = METRIC_COLUMNS.join(', ');
const PLACEHOLDERS = METRIC_COLUMNS.map(() => '?').join(', ');
const KEY = 'model = ? AND version = ? AND window_start = ? AND window_ms = ?';

/** Opens (creating and migrating) the metadata database for the evaluation timeline. */
export function openSqliteEvaluationStore(options: SqliteEvaluationStoreOptions): SqliteEvaluationStore {
  const now = options.now ?? (() => new Date());
  return new SqliteEvaluationStore(openMigratedDatabase(options.path, now()), now);
}

/**
 * EvaluationStore on better-sqlite3. A save is one IMMEDIATE transaction, so
 * two runs saving the same windows (a schedule and a manual `eval run`) take
 * turns, and each compares against what the other stored.
 */
export class SqliteEvaluationStore implements EvaluationStore {
  private readonly q: Statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {
    this.q = new Statements(db);
  }

  async save(evaluations: readonly Evaluation[]): Promise<SaveResult> {
    const windows = evaluations.map((e) => ({ key: windowKey(e), values: metricValues(e) }));
    const stamp = this.now().toISOString();
    const save = (): SaveResult => {
      const result = { created: 0, revised: 0, unchanged: 0, kept: 0 };
      for (const { key, values } of windows) {
        const id = [key.model, key.version, key.start.toISOString(), key.ms];
        const change = windowChange(this.q.sql<WindowRow>(`SELECT * FROM evaluations WHERE ${KEY}`).get(...id), values);
        if (change === 'created') {
          this.q
            .sql(`INSERT INTO evaluations (model, version, window_start, window_ms, window_end, ${COLUMNS}, computed_at, revised_at, revisions) VALUES (?, ?, ?, ?, ?, ${PLACEHOLDERS}, ?, ?, 1)`)
            .run(...id, key.end.toISOString(), ...metricParams(values), stamp, stamp);
          this.addRevision(key, values, stamp);
        } else if (change === 'unchanged') {
          this.q.sql(`UPDATE evaluations SET computed_at = ? WHERE ${KEY}`).run(stamp, ...id);
        } else if (change === 'revised') {
          this.q
            .sql(`UPDATE evaluations SET ${METRIC_COLUMNS.map((c) => `${c} = ?`).join(', ')}, computed_at = ?, revised_at = ?, revisions = revisions + 1 WHERE ${KEY}`)
            .run(...metricParams(values), stamp, stamp, ...id);
          this.addRevision(key, values, stamp);
        }
        result[change] += 1;
      }
      return result;
    };
    return this.guard(() => this.db.transaction(save).immediate());
  }

  async list(query: EvaluationQuery = {}): Promise<StoredEvaluation[]> {
    const { where, params } = filters(query);
    return this.guard(() =>
      this.q
        .sql<WindowRow>(`SELECT * FROM evaluations ${where} ORDER BY model, version, window_start, window_ms`)
        .all(...params)
        .map(toStored),
    );
  }

  async latest(query: LatestQuery): Promise<StoredEvaluation | undefined> {
    const clauses = ['model = ?', 'window_ms = ?', 'joined >= ?'];
    const params: unknown[] = [query.model, query.windowMs, query.minJoined ?? 1];
    if (query.version !== undefined) {
      clauses.push('version = ?');
      params.push(query.version);
    }
    if (query.complete === true) clauses.push('window_end <= computed_at');
    const row = this.guard(() =>
      this.q.sql<WindowRow>(`SELECT * FROM evaluations WHERE ${clauses.join(' AND ')} ORDER BY window_start DESC, joined DESC, version DESC LIMIT 1`).get(...params),
    );
    return row === undefined ? undefined : toStored(row);
  }

  async revisions(query: EvaluationQuery = {}): Promise<EvaluationRevision[]> {
    const { where, params } = filters(query);
    return this.guard(() =>
      this.q
        .sql<WindowRow>(`SELECT * FROM evaluation_revisions ${where} ORDER BY model, version, window_start, window_ms, id`)
        .all(...params)
        .map((row) => ({ ...evaluationOf(row.model, row.version, row.window_start, row.window_end, metricsOfRow(row)), window_ms: row.window_ms, computed_at: row.computed_at })),
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private addRevision(key: WindowKey, values: MetricValues, stamp: string): void {
    this.q
      .sql(`INSERT INTO evaluation_revisions (model, version, window_start, window_ms, window_end, ${COLUMNS}, computed_at) VALUES (?, ?, ?, ?, ?, ${PLACEHOLDERS}, ?)`)
      .run(key.model, key.version, key.start.toISOString(), key.ms, key.end.toISOString(), ...metricParams(values), stamp);
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

/** ISO timestamps of one format compare as text, so the window bounds filter without date functions. */
function filters(query: EvaluationQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    clauses.push(clause);
    params.push(value);
  };
  if (query.model !== undefined) add('model = ?', query.model);
  if (query.version !== undefined) add('version = ?', query.version);
  if (query.windowMs !== undefined) add('window_ms = ?', query.windowMs);
  if (query.since !== undefined) add('window_end > ?', query.since.toISOString());
  if (query.until !== undefined) add('window_start < ?', query.until.toISOString());
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

function toStored(row: WindowRow): StoredEvaluation {
  return {
    ...evaluationOf(row.model, row.version, row.window_start, row.window_end, metricsOfRow(row)),
    window_ms: row.window_ms,
    computed_at: row.computed_at,
    revised_at: row.revised_at ?? row.computed_at,
    revisions: row.revisions ?? 1,
  };
}
