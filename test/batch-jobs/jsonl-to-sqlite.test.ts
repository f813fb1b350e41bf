import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/run-batch.js';
import { IRIS_SVC, irisRows, maxDiffByKey, tempDir } from './helpers.js';

const tmp = tempDir('sqlite');
afterAll(() => tmp.remove());

describe('batch run: JSON Lines → SQLite table', () => {
  it('upserts one row per key; a run with another id over the same table leaves one row per key', async () => {
    const rows = irisRows(120);
    const input = path.join(tmp.dir, 'iris.jsonl');
    // A list column is the instance itself (the reference's `values` column).
    writeFileSync(input, rows.map((r) => JSON.stringify({ id: r.id, values: r.features })).join('\n'));
    const db = path.join(tmp.dir, 'out.db');
    const output = `sqlite:${db}?table=predictions`;
    const stateDir = path.join(tmp.dir, 'state');
    const summary = await runBatch({ target: { model: IRIS_SVC }, input, key: 'id', output, shardSize: 50, stateDir });
    expect(summary).toMatchObject({ status: 'succeeded', rows: 120, keysWritten: 120, shards: 3 });

    const again = await runBatch({ target: { model: IRIS_SVC }, input, key: 'id', output, shardSize: 50, stateDir, runId: 'second' });
    expect(again).toMatchObject({ runId: 'second', keysWritten: 120, shardsResumed: 0 });

    const sql = new Database(db, { readonly: true });
    try {
      const stored = sql.prepare('SELECT id, prediction, label, run_id FROM predictions').all() as { id: string; prediction: string; label: string; run_id: string }[];
      expect(stored).toHaveLength(120);
      expect(new Set(stored.map((r) => r.run_id))).toEqual(new Set(['second']));
      expect(maxDiffByKey(new Map(stored.map((r) => [r.id, JSON.parse(r.prediction) as number[]])), rows)).toBeLessThan(1e-4);
      expect(stored.find((r) => r.id === 'r0')?.label).toBe('setosa');
    } finally {
      sql.close();
    }
  });
});
