import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import { runBatch } from '../../src/batch/run-batch.js';
import { predictShard, type ShardPayload } from '../../src/batch/shard-job.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { countDone, IRIS_SVC, irisRows, maxDiffByKey, shardRows, tempDir, until } from './helpers.js';

const available = await requirePostgres('batch-jobs.postgres');
const schema = uniqueSchemaName('mlp_batch');
const tmp = tempDir('pg');
const rows = irisRows();
const tableUrl = (table: string): string => `${TEST_POSTGRES_URL}?table=${schema}.${table}`;

describe.skipIf(!available.available)(`batch run on PostgreSQL tables ${available.reason}`, () => {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    for (const table of ['items', 'scored', 'resumed']) {
      const extra = table === 'items' ? '' : ', prediction JSONB';
      await client.query(`CREATE TABLE ${schema}.${table} (id TEXT PRIMARY KEY, sl DOUBLE PRECISION, sw DOUBLE PRECISION, pl DOUBLE PRECISION, pw DOUBLE PRECISION${extra})`);
      for (const r of rows) await client.query(`INSERT INTO ${schema}.${table} (id, sl, sw, pl, pw) VALUES ($1, $2, $3, $4, $5)`, [r.id, ...r.features]);
    }
  });

  afterAll(async () => {
    await client.end();
    await dropSchemas([schema]);
    tmp.remove();
  });

  it('table → table: one row per key, keyset-paged input, upserted output', async () => {
    const summary = await runBatch({
      target: { model: IRIS_SVC },
      input: tableUrl('items'),
      key: 'id',
      output: tableUrl('predictions'),
      shardSize: 32,
      stateDir: path.join(tmp.dir, 'state'),
    });
    expect(summary).toMatchObject({ status: 'succeeded', rows: 150, keysWritten: 150, shards: 5, malformedRows: 0 });
    const { rows: stored } = await client.query<{ id: string; prediction: number[]; label: string }>(`SELECT id, prediction, label FROM ${schema}.predictions`);
    expect(stored).toHaveLength(150);
    expect(maxDiffByKey(new Map(stored.map((r) => [r.id, r.prediction])), rows)).toBeLessThan(1e-4);
    expect(summary.output).not.toContain('table=');
  });

  it('null mode: predicts only the rows whose column IS NULL, into that column; the others are untouched', async () => {
    // Rows r0..r49 were predicted before (by someone else): their value must stay.
    await client.query(`UPDATE ${schema}.scored SET prediction = '"kept"' WHERE id = ANY($1)`, [rows.slice(0, 50).map((r) => r.id)]);
    const options = { target: { model: IRIS_SVC }, input: tableUrl('scored'), key: 'id', whereNull: 'prediction', shardSize: 30, stateDir: path.join(tmp.dir, 'state') };
    const summary = await runBatch(options);
    expect(summary).toMatchObject({ status: 'succeeded', rows: 100, keysWritten: 100, shards: 4 });
    const { rows: stored } = await client.query<{ id: string; prediction: unknown }>(`SELECT id, prediction FROM ${schema}.scored`);
    const byId = new Map(stored.map((r) => [r.id, r.prediction]));
    expect(rows.slice(0, 50).every((r) => byId.get(r.id) === 'kept')).toBe(true);
    const later = rows.slice(50);
    expect(maxDiffByKey(new Map(later.map((r) => [r.id, byId.get(r.id) as number[]])), later)).toBeLessThan(1e-4);

    // Nothing is NULL any more: the same run predicts nothing.
    const again = await runBatch(options);
    expect(again).toMatchObject({ runId: summary.runId, rows: 0, keysWritten: 0 });
  });

  it('null mode, interrupted and run again: the new pass reads only the rows still NULL; the old pass\'s queued shards are cancelled', async () => {
    const stateDir = path.join(tmp.dir, 'state-resumed');
    const options = { target: { model: IRIS_SVC }, input: tableUrl('resumed'), key: 'id', whereNull: 'prediction', shardSize: 30, stateDir };
    // Pass 1 predicts nothing itself: a worker here does 2 shards, then holds the next until it is closed.
    const queue = new SqliteJobQueue({ path: path.join(stateDir, 'queue.sqlite'), pollMs: 10 });
    let executed = 0;
    const worker = queue.work('batch', async (ctx) => {
      if (++executed > 2) {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        throw new Error('handed back');
      }
      return predictShard(ctx.job.payload as ShardPayload, undefined);
    });
    const stop = new AbortController();
    const first = runBatch({ ...options, workers: 0 }, { signal: stop.signal });
    first.catch(() => undefined);
    await until('2 shards done', () => (countDone(stateDir) === 2 ? true : undefined));
    stop.abort(new Error('stopped by the test'));
    await expect(first).rejects.toThrow(/stopped by the test/);
    await worker.close(0);
    await queue.close();

    const second = await runBatch({ ...options, workers: 2 });
    expect(second).toMatchObject({ status: 'succeeded', rows: 150 - 60, keysWritten: 90 });
    const { rows: stored } = await client.query<{ id: string; prediction: number[] | null }>(`SELECT id, prediction FROM ${schema}.resumed`);
    expect(stored.every((r) => r.prediction !== null)).toBe(true);
    expect(maxDiffByKey(new Map(stored.map((r) => [r.id, r.prediction as number[]])), rows)).toBeLessThan(1e-4);
    const shards = shardRows(stateDir, second.runId);
    expect(shards.filter((s) => s.shard.startsWith('1.') && s.status === 'done')).toHaveLength(2);
    expect(shards.filter((s) => s.shard.startsWith('1.') && s.status !== 'done').every((s) => s.status === 'failed')).toBe(true);
    expect(shards.filter((s) => s.shard.startsWith('2.')).every((s) => s.status === 'done')).toBe(true);
  });
});
