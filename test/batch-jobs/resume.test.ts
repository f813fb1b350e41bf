import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import { predictShard, type ShardPayload } from '../../src/batch/shard-job.js';
import { BIN, runCli } from '../helpers/cli.js';
import { IRIS_SVC, irisRows, readJsonl, shardRows, tempDir, until, writeIrisCsv } from './helpers.js';

// Runs the BUILT CLI: `npm run build` first.
const tmp = tempDir('resume');
afterAll(() => tmp.remove());

describe('batch run: killed with SIGKILL and run again', () => {
  it('continues where it stopped: finished shards are not redone, every key is written exactly once', async () => {
    const rows = irisRows(1000);
    const input = path.join(tmp.dir, 'iris.csv');
    const output = path.join(tmp.dir, 'out.jsonl');
    const stateDir = path.join(tmp.dir, 'state');
    writeIrisCsv(input, rows);
    const args = ['batch', 'run', '--model', IRIS_SVC, '--input', input, '--key', 'id', '--output', output, '--shard-size', '100', '--state-dir', stateDir];

    // The first invocation predicts nothing itself (--workers 0): a worker here does exactly 3 shards, then holds
    // the 4th until it is closed, so the run is killed at a known point.
    const queue = new SqliteJobQueue({ path: path.join(stateDir, 'queue.sqlite'), pollMs: 10 });
    const executed = new Map<string, number>();
    const worker = queue.work('batch', async (ctx) => {
      const payload = ctx.job.payload as ShardPayload;
      executed.set(payload.shard, (executed.get(payload.shard) ?? 0) + 1);
      if (executed.size > 3) {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        throw new Error('handed back');
      }
      return predictShard(payload, undefined);
    });
    const child = spawn(process.execPath, [BIN, ...args, '--workers', '0'], { cwd: tmp.dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));

    const runId = await until('the run to start', () => /batch (b[0-9a-f]+):/.exec(stderr)?.[1]);
    const doneBefore = await until('3 shards done', () => {
      const shards = shardRows(stateDir, runId);
      return shards.filter((s) => s.status === 'done').length === 3 ? shards.filter((s) => s.status === 'done') : undefined;
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await worker.close(0);
    await queue.close();
    expect(readJsonl(`${output}.errors.jsonl`).length).toBe(0);

    const rerun = await runCli([...args, '--workers', '2']);
    expect(rerun.stderr).not.toMatch(/mlpatterns:/);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`batch ${runId} succeeded: 1000 rows, 1000 keys written`);
    expect(rerun.stdout).toContain('3/10 shards already done');

    const written = readJsonl<{ id: string }>(output).map((r) => r.id);
    expect(written).toHaveLength(1000);
    expect(written).toEqual(rows.map((r) => r.id));

    const after = shardRows(stateDir, runId);
    expect(after).toHaveLength(10);
    expect(after.every((s) => s.status === 'done' && s.submissions === 1)).toBe(true);
    for (const before of doneBefore) {
      expect(after.find((s) => s.shard === before.shard)).toEqual(before);
      expect(executed.get(before.shard)).toBe(1);
    }

    const status = await runCli(['batch', 'status', runId, '--state-dir', stateDir]);
    expect(status.stdout).toContain('shards: 10/10 done, 0 queued, 0 failed');
    expect(status.stdout).toContain('rows: 1000 read, 1000 keys written, 0 malformed');
    expect(readFileSync(`${output}.errors.jsonl`, 'utf8')).toBe('');
  });
});
