import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expected, FIXTURES } from '../helpers/fixtures.js';

export const IRIS_SVC = path.join(FIXTURES, 'iris_svc.onnx');

/** A temp dir per test file, removed after. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `mlp-batch-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The 150 iris rows of expected.json with ids "r0".."r149" (id → index in expected). */
export function irisRows(count = 150): { id: string; features: number[]; index: number }[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i}`, features: expected.inputs[i % 150] as number[], index: i % 150 }));
}

export function writeIrisCsv(file: string, rows = irisRows()): void {
  const lines = ['id,sl,sw,pl,pw', ...rows.map((r) => [r.id, ...r.features].join(','))];
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Max |a - b| over the probability rows, keyed by id → expected row. */
export function maxDiffByKey(predictions: ReadonlyMap<string, number[]>, rows: readonly { id: string; index: number }[]): number {
  let max = 0;
  for (const r of rows) {
    const got = predictions.get(r.id);
    const want = expected.iris_svc[r.index] as number[];
    if (!got || got.length !== want.length) return Infinity;
    want.forEach((v, j) => (max = Math.max(max, Math.abs((got[j] as number) - v))));
  }
  return max;
}

/** The shards table of a run, read as `batch status` reads it. */
export function shardRows(stateDir: string, runId: string): { shard: string; status: string; submissions: number; attempts: number; finished_at: string | null; job_id: string }[] {
  const db = new Database(path.join(stateDir, 'batch.db'), { readonly: true });
  try {
    return db.prepare('SELECT shard, status, submissions, attempts, finished_at, job_id FROM batch_shards WHERE run_id = ? ORDER BY first_row').all(runId) as never;
  } finally {
    db.close();
  }
}

/** Shards done across every run of a state dir (0 before the runs table exists). */
export function countDone(stateDir: string): number {
  const file = path.join(stateDir, 'batch.db');
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM batch_shards WHERE status = 'done'`).get() as { n: number }).n;
  } catch {
    return 0; // the tables are not created yet
  } finally {
    db.close();
  }
}

/** Polls `probe` until it returns a value, failing after the deadline. */
export async function until<T>(what: string, probe: () => T | undefined, deadlineMs = 15_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
