import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import type { SqliteQueueWorker } from '../../src/adapters/sqlite/job-queue-worker.js';
import type { QueueWorker } from '../../src/ports/job-queue.js';
import { jobQueueContract } from './job-queue.contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-queue-sqlite-'));
/** One file for the whole contract: every factory call is another "process" on it. */
const sharedFile = path.join(dir, 'contract.sqlite');
let files = 0;
const freshPath = (): string => path.join(dir, `queue-${files++}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

jobQueueContract('sqlite', async (options) => {
  const queue = new SqliteJobQueue({ path: sharedFile, pollMs: 20, ...options });
  return {
    queue,
    cleanup: () => queue.close(),
    crashWorker: (worker: QueueWorker) => (worker as SqliteQueueWorker).abandon(),
  };
});

describe('sqlite job queue specifics', () => {
  const rows = (file: string): number => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM queue_jobs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('opens the file in WAL mode, so processes can share it', async () => {
    const file = freshPath();
    const queue = new SqliteJobQueue({ path: file });
    try {
      await queue.enqueue('q', 'n', null);
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
    } finally {
      await queue.close();
    }
  });

  it('deletes finished jobs past their retention from the file, not only from reads', async () => {
    let now = 1_000_000;
    const file = freshPath();
    const queue = new SqliteJobQueue({ path: file, retentionMs: 1000, now: () => now });
    try {
      const { job } = await queue.enqueue('q', 'n', null);
      await queue.enqueue('q', 'n', 'stays queued');
      await queue.cancel(job.id);
      now += 999;
      expect(await queue.purgeFinished()).toBe(0);
      now += 1;
      expect(await queue.get(job.id)).toBeUndefined();
      expect(rows(file)).toBe(2);
      expect(await queue.purgeFinished()).toBe(1);
      expect(rows(file)).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it('submissions of one event-loop turn are answered each, a bad payload failing only its own', async () => {
    const queue = new SqliteJobQueue({ path: freshPath() });
    try {
      const good = Array.from({ length: 50 }, (_, i) => queue.enqueue('q', 'n', i));
      await expect(queue.enqueue('q', 'n', { big: 1n })).rejects.toThrow();
      const results = await Promise.all(good);
      expect(results.map(({ job }) => job.payload)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect((await queue.counts('q')).queued).toBe(50);
    } finally {
      await queue.close();
    }
  });

  it('a result JSON cannot carry fails the attempt instead of the worker', async () => {
    const queue = new SqliteJobQueue({ path: freshPath(), pollMs: 10 });
    try {
      const { job } = await queue.enqueue('q', 'n', null, { maxAttempts: 1 });
      const worker = queue.work('q', async () => ({ big: 1n }));
      const deadline = Date.now() + 5000;
      while ((await queue.get(job.id))?.status !== 'failed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect((await queue.get(job.id))?.error?.code).toBe('JOB_HANDLER_FAILED');
      await worker.close();
    } finally {
      await queue.close();
    }
  });

  it('closing the queue hands back the jobs of workers left open', async () => {
    const file = freshPath();
    const queue = new SqliteJobQueue({ path: file, pollMs: 10 });
    const { job } = await queue.enqueue('q', 'n', null);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    queue.work('q', async () => {
      started();
      return new Promise(() => undefined);
    });
    await running;
    await queue.close();
    const reopened = new SqliteJobQueue({ path: file });
    try {
      expect(await reopened.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    } finally {
      await reopened.close();
    }
  });

  it('a closed queue refuses calls', async () => {
    const queue = new SqliteJobQueue({ path: freshPath() });
    await queue.close();
    await expect(queue.get('x')).rejects.toThrow(/closed/);
  });
});
