import type { Pool } from 'pg';
import { assertNotNewer, pendingMigrations, type Migration } from '../migration.js';
import { createPool, toStoreError, withTransaction, type PoolSettings } from './session.js';

/**
 * Schema changes, applied in order when a store opens (see ../migration.ts).
 * Append new ones (runs, jobs, logs ...) with the next id; never edit one that
 * has shipped. Keep ids and meaning in step with ../sqlite/migrations.ts.
 */
export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'registry',
    sql: `
      CREATE TABLE models (
        name TEXT PRIMARY KEY,
        description TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        -- Version counter: bumping it (a row lock) is what makes version numbers atomic and never reused.
        latest_version INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE model_versions (
        name TEXT NOT NULL REFERENCES models (name),
        version INTEGER NOT NULL CHECK (version >= 1),
        digest TEXT NOT NULL,
        artifact_uri TEXT NOT NULL,
        runtime TEXT,
        format TEXT,
        size_bytes BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        source TEXT,
        params JSONB NOT NULL DEFAULT '{}',
        metrics JSONB NOT NULL DEFAULT '{}',
        dataset TEXT,
        description TEXT,
        manifest JSONB,
        PRIMARY KEY (name, version),
        -- The same bytes are never two versions of one model.
        UNIQUE (name, digest)
      );
      CREATE TABLE version_tags (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, version, key),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
      );
      CREATE TABLE model_aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
      );
      CREATE TABLE alias_history (
        id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL REFERENCES models (name),
        alias TEXT NOT NULL,
        from_version INTEGER,
        to_version INTEGER,
        actor TEXT,
        reason TEXT,
        changed_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX alias_history_by_alias ON alias_history (name, alias, id);
    `,
  },
  {
    id: 2,
    name: 'schedule_runs',
    sql: `
      -- One row per tick of a schedule (docs/schedules.md). The UNIQUE pair is the
      -- cross-machine lock: of several schedulers claiming one tick, one insert wins.
      CREATE TABLE schedule_runs (
        id BIGSERIAL PRIMARY KEY,
        schedule TEXT NOT NULL,
        scheduled_at TIMESTAMPTZ NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        heartbeat_at TIMESTAMPTZ NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        summary JSONB,
        owner TEXT NOT NULL,
        UNIQUE (schedule, scheduled_at)
      );
      CREATE INDEX schedule_runs_running ON schedule_runs (schedule) WHERE status = 'running';
    `,
  },
  {
    id: 3,
    name: 'bandits',
    sql: `
      -- State of bandit service nodes (docs/services.md, "Multi-armed bandit"). alpha and beta
      -- are the evidence (sum of rewards, sum of 1 - reward) without the node's prior.
      CREATE TABLE bandit_arms (
        bandit TEXT NOT NULL,
        arm TEXT NOT NULL,
        pulls INTEGER NOT NULL DEFAULT 0,
        reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
        alpha DOUBLE PRECISION NOT NULL DEFAULT 0,
        beta DOUBLE PRECISION NOT NULL DEFAULT 0,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (bandit, arm)
      );
      -- One row per request a bandit served; rewarded_at set once makes feedback idempotent.
      CREATE TABLE bandit_decisions (
        request_id TEXT PRIMARY KEY,
        bandit TEXT NOT NULL,
        arm TEXT NOT NULL,
        propensity DOUBLE PRECISION NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        rewarded_at TIMESTAMPTZ,
        reward DOUBLE PRECISION
      );
      CREATE INDEX bandit_decisions_by_bandit ON bandit_decisions (bandit, created_at);
    `,
  },
  {
    id: 4,
    name: 'training_runs',
    sql: `
      -- Runs of training pipelines (docs/training-pipelines.md). Ids are made by the runner
      -- (sortable by start time, short enough to type after --resume).
      CREATE TABLE training_runs (
        id TEXT PRIMARY KEY,
        pipeline TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'rejected', 'cancelled')),
        params JSONB NOT NULL DEFAULT '{}',
        resumed_from TEXT,
        pipeline_file TEXT,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        error TEXT,
        owner TEXT NOT NULL
      );
      CREATE INDEX training_runs_by_pipeline ON training_runs (pipeline, started_at);
      -- One row per step of a run. cache_key + outputs are what later runs reuse: the
      -- newest cacheable row with a key stands for the step's outputs (artifacts steps/<digest>).
      CREATE TABLE training_steps (
        run_id TEXT NOT NULL REFERENCES training_runs (id),
        step TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'cached', 'failed', 'rejected', 'skipped', 'cancelled')),
        cache_key TEXT,
        cacheable BOOLEAN NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        started_at TIMESTAMPTZ,
        finished_at TIMESTAMPTZ,
        error TEXT,
        reasons JSONB NOT NULL DEFAULT '[]',
        metrics JSONB NOT NULL DEFAULT '{}',
        outputs JSONB NOT NULL DEFAULT '{}',
        log_tail JSONB NOT NULL DEFAULT '[]',
        cached_from TEXT,
        PRIMARY KEY (run_id, step)
      );
      CREATE INDEX training_steps_by_cache_key ON training_steps (cache_key, finished_at);
    `,
  },
  {
    id: 5,
    name: 'evaluations',
    sql: `
      -- Continued evaluation timeline (docs/feedback-and-evaluation.md): the latest numbers of
      -- each window of each model version, upserted by "eval run" and evaluate: schedules.
      -- A *_count column is NULL when the window had no joined rows of that kind.
      CREATE TABLE evaluations (
        model TEXT NOT NULL,
        version TEXT NOT NULL,
        window_start TIMESTAMPTZ NOT NULL,
        window_ms BIGINT NOT NULL CHECK (window_ms > 0),
        window_end TIMESTAMPTZ NOT NULL,
        predictions INTEGER NOT NULL,
        joined INTEGER NOT NULL,
        unjoined INTEGER NOT NULL,
        classification_count INTEGER,
        accuracy DOUBLE PRECISION,
        precision_macro DOUBLE PRECISION,
        recall_macro DOUBLE PRECISION,
        f1_macro DOUBLE PRECISION,
        regression_count INTEGER,
        mae DOUBLE PRECISION,
        rmse DOUBLE PRECISION,
        mape DOUBLE PRECISION,
        reward_count INTEGER,
        reward_mean DOUBLE PRECISION,
        computed_at TIMESTAMPTZ NOT NULL,
        revised_at TIMESTAMPTZ NOT NULL,
        revisions INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (model, version, window_start, window_ms)
      );
      CREATE INDEX evaluations_by_width ON evaluations (model, window_ms, window_start);
      -- Each distinct result a window has had, appended when its numbers change.
      CREATE TABLE evaluation_revisions (
        id BIGSERIAL PRIMARY KEY,
        model TEXT NOT NULL,
        version TEXT NOT NULL,
        window_start TIMESTAMPTZ NOT NULL,
        window_ms BIGINT NOT NULL,
        window_end TIMESTAMPTZ NOT NULL,
        predictions INTEGER NOT NULL,
        joined INTEGER NOT NULL,
        unjoined INTEGER NOT NULL,
        classification_count INTEGER,
        accuracy DOUBLE PRECISION,
        precision_macro DOUBLE PRECISION,
        recall_macro DOUBLE PRECISION,
        f1_macro DOUBLE PRECISION,
        regression_count INTEGER,
        mae DOUBLE PRECISION,
        rmse DOUBLE PRECISION,
        mape DOUBLE PRECISION,
        reward_count INTEGER,
        reward_mean DOUBLE PRECISION,
        computed_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX evaluation_revisions_by_window ON evaluation_revisions (model, version, window_start, window_ms, id);
    `,
  },
];

/**
 * Applies the pending migrations in one transaction (PostgreSQL DDL is
 * transactional: all or nothing). An advisory lock makes processes that open
 * the same schema at once take turns instead of racing on CREATE TABLE.
 */
export async function migrate(
  pool: Pool,
  schema: string | undefined,
  list: readonly Migration[] = migrations,
  now = new Date(),
): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('mlpatterns.migrate'), hashtext($1))", [schema ?? '']);
    // The name is checked against SCHEMA_PATTERN when the pool is created; identifiers cannot be parameters.
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
    const { rows } = await client.query<{ id: number }>('SELECT id FROM schema_migrations');
    const applied = rows.map((row) => row.id);
    assertNotNewer(applied, list);
    for (const migration of pendingMigrations(applied, list)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        migration.id,
        migration.name,
        now.toISOString(),
      ]);
    }
  });
}

/**
 * Connects a pool and applies pending migrations: every store that keeps its
 * tables in the metadata database (registry, schedule runs, bandit state)
 * opens it this way. A failure closes the pool and is a STORE_UNAVAILABLE.
 */
export async function openMigratedPool(settings: PoolSettings, now: Date): Promise<Pool> {
  const pool = createPool(settings);
  try {
    await migrate(pool, settings.schema, undefined, now);
  } catch (err) {
    await pool.end();
    throw toStoreError(err, settings.connectionString);
  }
  return pool;
}
