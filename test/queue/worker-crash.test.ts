import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import type { QueueWorker } from '../../src/ports/job-queue.js';

/**
 * The fault the lease exists for: a worker process killed with SIGKILL in the
 * middle of a job (no clean-up, no hand-back). Another worker, here in the
 * test process, must run the job once the lease expires, and the job must end
 * with exactly one result, on attempt 2.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = path.join(REPO_ROOT, 'test/fixtures/queue-worker/worker.ts');
const LEASE_MS = 500;

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-worker-crash-'));
const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a worker killed with SIGKILL mid-job: the job completes elsewhere after the lease expires, one result, attempt 2', async () => {
  const file = path.join(dir, 'queue.sqlite');
  const queue = new SqliteJobQueue({ path: file, pollMs: 20 });
  closers.push(() => queue.close());
  const { job } = await queue.enqueue('crash', 'predict', { x: 1 });

  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, file, 'crash', String(LEASE_MS)], { cwd: REPO_ROOT });
  children.push(child);
  const output = collect(child);
  await waitFor(() => output().includes(`started ${job.id} 1`), () => `worker output: ${output()}`);

  // While the other process lives, it renews its lease: a worker here must not take the job.
  const ranHere: number[] = [];
  const local: QueueWorker = queue.work(
    'crash',
    async ({ job: running }) => {
      ranHere.push(running.attempts);
      return { completedBy: 'test process' };
    },
    { leaseMs: LEASE_MS },
  );
  closers.push(() => local.close());
  await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 3));
  expect(ranHere).toEqual([]);
  expect(await queue.get(job.id)).toMatchObject({ status: 'running', attempts: 1 });

  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  await waitFor(async () => (await queue.get(job.id))?.status === 'succeeded', async () => JSON.stringify(await queue.get(job.id)));
  expect(await queue.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 2, result: { completedBy: 'test process' } });
  expect(ranHere).toEqual([2]);
  expect(await queue.counts('crash')).toEqual({ queued: 0, running: 0, succeeded: 1, failed: 0, cancelled: 0 });
});

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function waitFor(condition: () => boolean | Promise<boolean>, explain: () => string | Promise<string>, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms: ${await explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
