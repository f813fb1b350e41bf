import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BullJobQueue } from '../../src/adapters/redis/job-queue.js';
import { MlError } from '../../src/errors/ml-error.js';
import type { QueueJob, QueueJobStatus, QueueWorker, WorkerEvent } from '../../src/ports/job-queue.js';
import { TEST_REDIS_URL, deleteKeys, requireRedis, uniqueKeyPrefix } from '../helpers/redis.js';

const redis = await requireRedis('queue.bullmq');
const prefixes: string[] = [];
const opened: { queue: BullJobQueue; workers: QueueWorker[] }[] = [];

function openQueue(options: { retentionMs?: number; prefix?: string } = {}): BullJobQueue {
  const prefix = options.prefix ?? uniqueKeyPrefix('mlp_test_bull').replace(/:$/, '');
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  const queue = new BullJobQueue({ url: TEST_REDIS_URL, prefix, cancelPollMs: 50, ...options });
  opened.push({ queue, workers: [] });
  return queue;
}

function track(queue: BullJobQueue, worker: QueueWorker): QueueWorker {
  opened.find((o) => o.queue === queue)?.workers.push(worker);
  return worker;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const statusIs = (queue: BullJobQueue, id: string, status: QueueJobStatus) => async (): Promise<QueueJob | undefined> => {
  const job = await queue.get(id);
  return job?.status === status ? job : undefined;
};

afterEach(async () => {
  for (const { queue, workers } of opened.splice(0)) {
    await Promise.all(workers.map((w) => w.close(0)));
    await queue.close();
  }
});

afterAll(async () => {
  if (redis.available) await deleteKeys(prefixes.map((p) => `${p}:`));
});

describe.skipIf(!redis.available)(`BullJobQueue ${redis.reason}`, () => {
  it('runs a job to succeeded and reports it through get, counts and events', async () => {
    const queue = openQueue();
    const { job, created } = await queue.enqueue('q', 'predict', { x: [1, 2] }, { meta: { requestId: 'r1' } });
    expect(created).toBe(true);
    expect(job).toMatchObject({ queue: 'q', name: 'predict', status: 'queued', attempts: 0, maxAttempts: 3, meta: { requestId: 'r1' } });
    expect(await queue.counts('q')).toEqual({ queued: 1, running: 0, succeeded: 0, failed: 0, cancelled: 0 });

    const events: WorkerEvent['type'][] = [];
    track(
      queue,
      queue.work('q', async ({ job: running }) => ({ sum: (running.payload as { x: number[] }).x.reduce((a, b) => a + b) }), {
        onEvent: (e) => events.push(e.type),
      }),
    );
    const done = await waitFor('succeeded', statusIs(queue, job.id, 'succeeded'));
    expect(done).toMatchObject({ id: job.id, result: { sum: 3 }, attempts: 1, payload: { x: [1, 2] } });
    expect(Date.parse(done.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.startedAt ?? ''));
    await waitFor('events', () => events.includes('succeeded'));
    expect(events).toEqual(['started', 'succeeded']);
    expect((await queue.counts('q')).succeeded).toBe(1);
  });

  it('keeps a result of undefined apart from null', async () => {
    const queue = openQueue();
    const a = await queue.enqueue('q', 'n', { r: 'none' });
    const b = await queue.enqueue('q', 'n', { r: 'null' });
    track(queue, queue.work('q', async ({ job }) => ((job.payload as { r: string }).r === 'null' ? null : undefined), { concurrency: 2 }));
    const none = await waitFor('a', statusIs(queue, a.job.id, 'succeeded'));
    const nul = await waitFor('b', statusIs(queue, b.job.id, 'succeeded'));
    expect('result' in none).toBe(false);
    expect(nul.result).toBeNull();
  });

  it('returns the same job for the same key, also to concurrent submissions, and ids stay unique across queues', async () => {
    const queue = openQueue();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => queue.enqueue('q', 'n', { i }, { key: 'k1' })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    const again = await queue.enqueue('q', 'n', { i: 99 }, { key: 'k1' });
    expect(again.created).toBe(false);
    expect(again.job.payload).toEqual(results.find((r) => r.created)?.job.payload);
    const other = await queue.enqueue('other queue/with odd name', 'n', {}, { key: 'k1' });
    expect(other.created).toBe(true);
    expect(other.job.id).not.toBe(again.job.id);
    expect((await queue.get(other.job.id))?.queue).toBe('other queue/with odd name');
    expect(await queue.get('nope')).toBeUndefined();
    expect(await queue.get('q.no-such-job')).toBeUndefined();
  });

  it('retries with exponential backoff, then succeeds; a 4xx MlError fails at once; attempts run out into failed', async () => {
    const queue = openQueue();
    const flaky = await queue.enqueue('q', 'flaky', {}, { maxAttempts: 3, backoffMs: 40 });
    const client = await queue.enqueue('q', 'client', {}, { maxAttempts: 3, backoffMs: 40 });
    const broken = await queue.enqueue('q', 'broken', {}, { maxAttempts: 2, backoffMs: 40 });
    const events: WorkerEvent[] = [];
    track(
      queue,
      queue.work(
        'q',
        async ({ job }) => {
          if (job.name === 'client') throw new MlError('INVALID_REQUEST', { reason: 'bad input' });
          if (job.name === 'broken' || job.attempts < 3) throw new Error(`boom ${job.attempts}`);
          return 'ok';
        },
        { concurrency: 3, onEvent: (e) => events.push(e) },
      ),
    );
    const ok = await waitFor('flaky succeeded', statusIs(queue, flaky.job.id, 'succeeded'));
    expect(ok).toMatchObject({ attempts: 3, result: 'ok' });
    expect(ok.error).toBeUndefined();
    const retries = events.filter((e) => e.type === 'retrying' && e.job.id === flaky.job.id);
    expect(retries.map((e) => (e.type === 'retrying' ? e.delayMs : 0))).toEqual([40, 80]);

    const rejected = await waitFor('client failed', statusIs(queue, client.job.id, 'failed'));
    expect(rejected).toMatchObject({ attempts: 1, error: { code: 'INVALID_REQUEST' } });
    const dead = await waitFor('broken failed', statusIs(queue, broken.job.id, 'failed'));
    expect(dead).toMatchObject({ attempts: 2, error: { code: 'JOB_HANDLER_FAILED', message: 'Job handler failed: boom 2' } });
    expect(dead.finishedAt).toBeDefined();
    await waitFor('failed events', () => events.filter((e) => e.type === 'failed').length === 2);
    expect(await queue.counts('q')).toEqual({ queued: 0, running: 0, succeeded: 1, failed: 2, cancelled: 0 });
  });

  it('shows the last error while a retry waits', async () => {
    const queue = openQueue();
    const { job } = await queue.enqueue('q', 'n', {}, { maxAttempts: 2, backoffMs: 60_000 });
    track(queue, queue.work('q', async () => Promise.reject(new Error('first try fails'))));
    const waiting = await waitFor('retry queued', async () => {
      const j = await queue.get(job.id);
      return j?.status === 'queued' && j.attempts === 1 ? j : undefined;
    });
    expect(waiting.error).toEqual({ code: 'JOB_HANDLER_FAILED', message: 'Job handler failed: first try fails' });
    expect((await queue.cancel(job.id))?.status).toBe('cancelled');
  });

  it('cancels a queued job at once (it never runs) and a running one (signal aborts, late result dropped)', async () => {
    const queue = openQueue();
    const queued = await queue.enqueue('q', 'n', { which: 'queued' });
    const cancelledNow = await queue.cancel(queued.job.id);
    expect(cancelledNow?.status).toBe('cancelled');
    expect(cancelledNow?.finishedAt).toBeDefined();

    const running = await queue.enqueue('q', 'n', { which: 'running' });
    const ran: string[] = [];
    let aborted = false;
    const dropped: string[] = [];
    track(
      queue,
      queue.work(
        'q',
        async ({ job, signal }) => {
          ran.push((job.payload as { which: string }).which);
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          aborted = true;
          return 'late result';
        },
        { onEvent: (e) => e.type === 'dropped' && dropped.push(e.reason) },
      ),
    );
    await waitFor('running', statusIs(queue, running.job.id, 'running'));
    expect((await queue.cancel(running.job.id))?.status).toBe('cancelled');
    await waitFor('handler aborted', () => aborted);
    await waitFor('dropped event', () => dropped.includes('cancelled'));
    await waitFor('handler gone', async () => (await queue.counts('q')).running === 0);
    const final = await queue.get(running.job.id);
    expect(final?.status).toBe('cancelled');
    expect(final?.result).toBeUndefined();
    expect(ran).toEqual(['running']);
    expect(await queue.counts('q')).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 2 });
    // Finished jobs stay as they are.
    expect((await queue.cancel(running.job.id))?.status).toBe('cancelled');
  });

  it('aborts a running job cancelled from another process (through the polled mark)', async () => {
    const workerSide = openQueue();
    const submitter = openQueue({ prefix: prefixes.at(-1) });
    const { job } = await submitter.enqueue('q', 'n', {});
    let aborted = false;
    track(
      workerSide,
      workerSide.work('q', async ({ signal }) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        aborted = true;
      }),
    );
    await waitFor('running', statusIs(submitter, job.id, 'running'));
    await submitter.cancel(job.id);
    await waitFor('aborted by poll', () => aborted);
    await waitFor('in failed set', async () => (await submitter.counts('q')).running === 0);
    expect((await submitter.get(job.id))?.status).toBe('cancelled');
  });

  it('hides and frees finished jobs after the retention time', async () => {
    const queue = openQueue({ retentionMs: 300 });
    const { job } = await queue.enqueue('q', 'n', {}, { key: 'same' });
    const worker = queue.work('q', async () => 'done');
    await waitFor('succeeded', statusIs(queue, job.id, 'succeeded'));
    await worker.close();
    await waitFor('hidden after retention', async () => ((await queue.get(job.id)) === undefined ? true : undefined), 3000);
    expect((await queue.counts('q')).succeeded).toBe(0);
    const again = await queue.enqueue('q', 'n', { second: true }, { key: 'same' });
    expect(again.created).toBe(true);
    expect(again.job.status).toBe('queued');
  });

  it('close(graceMs) hands a job still running back (queued, attempt uncounted) and another worker finishes it', async () => {
    const queue = openQueue();
    const { job } = await queue.enqueue('q', 'n', {});
    const dropped: string[] = [];
    const slow = queue.work('q', ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })), {
      onEvent: (e) => e.type === 'dropped' && dropped.push(e.reason),
    });
    await waitFor('running', statusIs(queue, job.id, 'running'));
    await slow.close(100);
    expect(dropped).toEqual(['shutdown']);
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    track(queue, queue.work('q', async () => 'second worker'));
    expect(await waitFor('succeeded', statusIs(queue, job.id, 'succeeded'))).toMatchObject({ attempts: 1, result: 'second worker' });
  });

  it('runs the job of a SIGKILLed worker again elsewhere once its lease expires: one result', async () => {
    const queue = openQueue();
    const prefix = prefixes.at(-1) as string;
    const { job } = await queue.enqueue('q', 'n', {});
    const child = startCrashWorker(prefix, 'q', 600);
    try {
      await waitForLine(child, `started ${job.id} 1`);
      child.kill('SIGKILL');
      let runs = 0;
      const started = Date.now();
      track(
        queue,
        queue.work(
          'q',
          async ({ job: j }) => {
            runs++;
            return `attempt ${j.attempts}`;
          },
          { leaseMs: 600 },
        ),
      );
      const done = await waitFor('rerun', statusIs(queue, job.id, 'succeeded'));
      expect(done).toMatchObject({ attempts: 2, result: 'attempt 2' });
      expect(runs).toBe(1);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

const CRASH_WORKER = fileURLToPath(new URL('./fixtures/bullmq-crash-worker.ts', import.meta.url));

function startCrashWorker(prefix: string, queue: string, leaseMs: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CRASH_WORKER, TEST_REDIS_URL, prefix, queue, String(leaseMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function waitForLine(child: ChildProcess, line: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`worker never printed "${line}" (got: ${seen})`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before "${line}": ${seen}`)));
  });
}
