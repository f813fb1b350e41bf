import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import type { JobContext, JobHandler, JobQueue, QueueJob, QueueWorker, WorkerEvent, WorkOptions } from '../../src/ports/job-queue.js';

/**
 * The one contract every JobQueue adapter passes (style.md #2), against real
 * storage (a SQLite file, a Redis server). What it guarantees about an adapter
 * that passes:
 *
 * - enqueue/get round-trip every field; unknown ids answer undefined; payloads,
 *   results and metadata are copies (mutating one changes nothing stored);
 * - an idempotency key gives the same job (`created: false`) whatever its
 *   state, also under concurrent submissions; keys are per queue;
 * - one worker takes jobs oldest first; a worker only takes its own queue's jobs;
 * - a handler's result makes the job `succeeded`; a throwing handler is retried
 *   after at least `backoffMs · 2^(attempt-1)` and ends `failed` (dead letter)
 *   with attempts = maxAttempts; `retryable: false` errors and 4xx MlErrors fail
 *   at once, 5xx MlErrors are retried;
 * - cancel: a queued job never runs; a running one is `cancelled` at once, its
 *   handler's signal aborts and its late result is dropped; finished jobs and
 *   unknown ids are answered unchanged / undefined;
 * - a worker that dies (no renewals, no hand-back) loses its job once the lease
 *   expires: another worker runs it, as attempt 2, and only that result is
 *   kept; a job whose dead worker used its last attempt fails JOB_LEASE_EXPIRED;
 *   a live worker keeps its job past the lease time (renewals);
 * - `concurrency` bounds the handlers running at once and is reached;
 * - `close(grace)` lets running jobs finish within the grace, and hands back the
 *   rest (queued again, the attempt not counted) for another worker to run;
 * - two instances (as two processes) racing for the same jobs run each once;
 * - counts() per status; finished jobs (and their keys) go after retentionMs,
 *   unfinished ones stay; a job survives the instance that enqueued it closing.
 *
 * Timing: only generous deadlines (polling, never fixed sleeps) and lower
 * bounds; the one bounded wait checks that something does NOT happen. Every
 * test uses its own queue name, so the storage may be shared between tests.
 */

export interface JobQueueUnderTest {
  readonly queue: JobQueue;
  /** Closes the instance (its workers are closed first by the suite). */
  readonly cleanup: () => Promise<void>;
  /**
   * Stops `worker` the way a crash (SIGKILL) would: no more lease renewals, no
   * hand-back; the job stays running until its lease expires. Required by the
   * lease-expiry tests.
   */
  readonly crashWorker?: (worker: QueueWorker) => Promise<void>;
}

export interface JobQueueFactoryOptions {
  /** How long finished jobs are kept (the retention test passes a small one). */
  readonly retentionMs?: number;
}

/**
 * Opens a new instance. Every call must open it on the SAME storage (one file,
 * one Redis prefix): tests open two instances to play two worker processes.
 */
export type JobQueueFactory = (options?: JobQueueFactoryOptions) => Promise<JobQueueUnderTest>;

const DEADLINE_MS = 10_000;
/** Small, so that the lease-expiry tests take well under a second or two. */
const LEASE_MS = 400;

export function jobQueueContract(name: string, factory: JobQueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    const opened: JobQueueUnderTest[] = [];
    const workers: QueueWorker[] = [];

    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.close(0)));
      await Promise.all(opened.splice(0).map((instance) => instance.cleanup()));
    });

    const open = async (options?: JobQueueFactoryOptions): Promise<JobQueueUnderTest> => {
      const instance = await factory(options);
      opened.push(instance);
      return instance;
    };
    const openQueue = async (options?: JobQueueFactoryOptions): Promise<JobQueue> => (await open(options)).queue;
    const work = (queue: JobQueue, name: string, handler: JobHandler, options?: WorkOptions): QueueWorker => {
      const worker = queue.work(name, handler, options);
      workers.push(worker);
      return worker;
    };
    const crash = async (instance: JobQueueUnderTest, worker: QueueWorker): Promise<void> => {
      if (!instance.crashWorker) throw new Error(`the ${name} factory must provide crashWorker for the lease-expiry tests`);
      await instance.crashWorker(worker);
    };

    describe('submitting and reading', () => {
      it('enqueue answers a queued job that get reads back; unknown ids are undefined', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const { job, created } = await queue.enqueue(q, 'predict', { x: [1, 2] }, { key: 'k1', maxAttempts: 5, meta: { requestId: 'r1' } });
        expect(created).toBe(true);
        expect(job).toMatchObject({ queue: q, name: 'predict', payload: { x: [1, 2] }, key: 'k1', status: 'queued', attempts: 0, maxAttempts: 5 });
        expect(job.meta).toEqual({ requestId: 'r1' });
        expect(typeof job.id).toBe('string');
        expect(new Date(job.createdAt).toISOString()).toBe(job.createdAt);
        expect(job.result).toBeUndefined();
        expect(job.finishedAt).toBeUndefined();
        expect(await queue.get(job.id)).toEqual(job);
        expect(await queue.get(randomUUID())).toBeUndefined();
      });

      it('maxAttempts defaults to 3, and ids are unique', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const jobs = await Promise.all([1, 2, 3].map((i) => queue.enqueue(q, 'n', i)));
        expect(jobs.map(({ job }) => job.maxAttempts)).toEqual([3, 3, 3]);
        expect(new Set(jobs.map(({ job }) => job.id)).size).toBe(3);
      });

      it('payloads and metadata are copies: mutating either side changes nothing stored', async () => {
        const queue = await openQueue();
        const payload = { list: [1, 2, 3], nested: { a: 'x' } };
        const meta = { tag: 'one' };
        const { job } = await queue.enqueue(uniqueQueue(), 'n', payload, { meta });
        payload.list.push(4);
        meta.tag = 'two';
        (job.payload as { nested: { a: string } }).nested.a = 'changed';
        const read = await queue.get(job.id);
        expect(read?.payload).toEqual({ list: [1, 2, 3], nested: { a: 'x' } });
        expect(read?.meta).toEqual({ tag: 'one' });
        (read?.payload as { list: number[] }).list.length = 0;
        expect((await queue.get(job.id))?.payload).toEqual({ list: [1, 2, 3], nested: { a: 'x' } });
      });

      it('a job survives the instance that enqueued it closing (durable storage)', async () => {
        const first = await open();
        const { job } = await first.queue.enqueue(uniqueQueue(), 'n', { keep: true });
        await first.cleanup();
        opened.splice(opened.indexOf(first), 1);
        const second = await openQueue();
        expect(await second.get(job.id)).toMatchObject({ id: job.id, status: 'queued', payload: { keep: true } });
      });
    });

    describe('idempotent submission', () => {
      it('a key already used in the queue answers the existing job, whatever its state', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const first = await queue.enqueue(q, 'n', { v: 1 }, { key: 'order-7' });
        const again = await queue.enqueue(q, 'n', { v: 2 }, { key: 'order-7' });
        expect(again.created).toBe(false);
        expect(again.job.id).toBe(first.job.id);
        expect(again.job.payload).toEqual({ v: 1 });

        work(queue, q, async () => ({ ok: true }));
        await waitFor(async () => (await queue.get(first.job.id))?.status === 'succeeded');
        const afterFinish = await queue.enqueue(q, 'n', { v: 3 }, { key: 'order-7' });
        expect(afterFinish).toMatchObject({ created: false, job: { id: first.job.id, status: 'succeeded', result: { ok: true } } });
      });

      it('concurrent submissions with one key create one job', async () => {
        const [a, b] = [await openQueue(), await openQueue()];
        const q = uniqueQueue();
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).enqueue(q, 'n', i, { key: 'same' })));
        expect(new Set(results.map(({ job }) => job.id)).size).toBe(1);
        expect(results.filter(({ created }) => created)).toHaveLength(1);
        expect((await a.counts(q)).queued).toBe(1);
      });

      it('keys are per queue', async () => {
        const queue = await openQueue();
        const one = await queue.enqueue(uniqueQueue(), 'n', 1, { key: 'k' });
        const two = await queue.enqueue(uniqueQueue(), 'n', 2, { key: 'k' });
        expect(two.created).toBe(true);
        expect(two.job.id).not.toBe(one.job.id);
      });
    });

    describe('running jobs', () => {
      it('a handler result makes the job succeeded, with the result, timings and one attempt', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const seen: QueueJob[] = [];
        const events: WorkerEvent['type'][] = [];
        const { job } = await queue.enqueue(q, 'double', { x: 21 });
        work(
          queue,
          q,
          async ({ job: running }) => {
            seen.push(running);
            return { y: (running.payload as { x: number }).x * 2 };
          },
          { onEvent: (event) => events.push(event.type) },
        );
        const done = await waitForJob(queue, job.id, 'succeeded');
        expect(done).toMatchObject({ status: 'succeeded', attempts: 1, result: { y: 42 } });
        expect(done.error).toBeUndefined();
        expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
        expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ id: job.id, name: 'double', status: 'running', attempts: 1, payload: { x: 21 } });
        await waitFor(() => events.includes('succeeded'));
        expect(events).toEqual(['started', 'succeeded']);
      });

      it('results are copies', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const result = { scores: [0.1, 0.9] };
        const { job } = await queue.enqueue(q, 'n', null);
        work(queue, q, async () => result);
        const done = await waitForJob(queue, job.id, 'succeeded');
        result.scores.push(5);
        (done.result as { scores: number[] }).scores.length = 0;
        expect((await queue.get(job.id))?.result).toEqual({ scores: [0.1, 0.9] });
      });

      it('one worker takes the oldest jobs first', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        for (let i = 0; i < 6; i++) await queue.enqueue(q, 'n', i);
        const order: unknown[] = [];
        work(queue, q, async ({ job }) => order.push(job.payload), { concurrency: 1 });
        await waitFor(() => order.length === 6);
        expect(order).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('a worker takes only its own queue’s jobs', async () => {
        const queue = await openQueue();
        const [mine, other] = [uniqueQueue(), uniqueQueue()];
        const { job: foreign } = await queue.enqueue(other, 'n', 'theirs');
        const { job: own } = await queue.enqueue(mine, 'n', 'mine');
        const ran: unknown[] = [];
        work(queue, mine, async ({ job }) => ran.push(job.payload));
        await waitForJob(queue, own.id, 'succeeded');
        expect(ran).toEqual(['mine']);
        expect((await queue.get(foreign.id))?.status).toBe('queued');
      });

      it('a worker started first picks up jobs enqueued later, also by another instance', async () => {
        const [a, b] = [await openQueue(), await openQueue()];
        const q = uniqueQueue();
        work(a, q, async ({ job }) => ({ echo: job.payload }));
        const { job: local } = await a.enqueue(q, 'n', 'local');
        const { job: remote } = await b.enqueue(q, 'n', 'remote');
        expect((await waitForJob(a, local.id, 'succeeded')).result).toEqual({ echo: 'local' });
        expect((await waitForJob(b, remote.id, 'succeeded')).result).toEqual({ echo: 'remote' });
      });

      it('concurrency bounds the handlers running at once, and is reached', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        let running = 0;
        let most = 0;
        const ids = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await queue.enqueue(q, 'n', i)).job.id));
        work(
          queue,
          q,
          async () => {
            running += 1;
            most = Math.max(most, running);
            await delay(30); // the job's work
            running -= 1;
          },
          { concurrency: 3 },
        );
        await waitFor(async () => (await queue.counts(q)).succeeded === ids.length);
        expect(most).toBe(3);
      });

      it('two instances racing for the same jobs run each exactly once', async () => {
        const [a, b] = [await openQueue(), await openQueue()];
        const q = uniqueQueue();
        const runs = new Map<string, number>();
        const handler: JobHandler = async ({ job }) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await delay(1);
          return job.payload;
        };
        work(a, q, handler, { concurrency: 4 });
        work(b, q, handler, { concurrency: 4 });
        const ids = await Promise.all(Array.from({ length: 60 }, async (_, i) => (await (i % 2 ? a : b).enqueue(q, 'n', i)).job.id));
        await waitFor(async () => (await a.counts(q)).succeeded === ids.length);
        expect([...runs.values()].every((n) => n === 1)).toBe(true);
        expect(runs.size).toBe(ids.length);
      });
    });

    describe('retries and dead letters', () => {
      it('a throwing handler is retried with exponential backoff, then failed with attempts = maxAttempts', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const startedAt: number[] = [];
        const events: WorkerEvent[] = [];
        const { job } = await queue.enqueue(q, 'n', null, { maxAttempts: 3, backoffMs: 60 });
        work(
          queue,
          q,
          async () => {
            startedAt.push(Date.now());
            throw new Error('model exploded');
          },
          { onEvent: (event) => events.push(event) },
        );
        const failed = await waitForJob(queue, job.id, 'failed');
        expect(failed.attempts).toBe(3);
        expect(failed.error?.message).toContain('model exploded');
        expect(typeof failed.error?.code).toBe('string');
        expect(failed.finishedAt).toBeDefined();
        expect(startedAt).toHaveLength(3);
        // Lower bounds only: 60 ms, then 120 ms (a little slack for clock rounding).
        expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(55);
        expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(115);
        await waitFor(() => events.some((event) => event.type === 'failed'));
        const retrying = events.filter((event) => event.type === 'retrying');
        expect(retrying.map((event) => event.delayMs)).toEqual([60, 120]);
        expect(events.filter((event) => event.type === 'started')).toHaveLength(3);
      });

      it('while a retry waits the job is queued again with its attempt counted and its error', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const { job } = await queue.enqueue(q, 'n', null, { maxAttempts: 2, backoffMs: 60_000 });
        work(queue, q, async () => {
          throw new Error('first try fails');
        });
        await waitFor(async () => (await queue.get(job.id))?.attempts === 1 && (await queue.get(job.id))?.status === 'queued');
        const waiting = await queue.get(job.id);
        expect(waiting?.error?.message).toContain('first try fails');
        expect(waiting?.finishedAt).toBeUndefined();
      });

      it('a job that fails once and then succeeds ends succeeded on attempt 2', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const { job } = await queue.enqueue(q, 'n', null, { backoffMs: 10 });
        work(queue, q, async ({ job: running }) => {
          if (running.attempts === 1) throw new Error('flaky');
          return 'ok';
        });
        expect(await waitForJob(queue, job.id, 'succeeded')).toMatchObject({ attempts: 2, result: 'ok' });
      });

      it('retryable: false and 4xx MlErrors fail at once; 5xx MlErrors are retried', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const plain = await queue.enqueue(q, 'plain', null, { backoffMs: 10 });
        const client = await queue.enqueue(q, 'client', null, { backoffMs: 10 });
        const server = await queue.enqueue(q, 'server', null, { backoffMs: 10, maxAttempts: 2 });
        work(queue, q, async ({ job }) => {
          if (job.name === 'plain') throw Object.assign(new Error('never works'), { retryable: false });
          if (job.name === 'client') throw new MlError('INVALID_REQUEST', { reason: 'no features' });
          throw new MlError('INFERENCE_FAILED', { name: 'm', reason: 'oom' });
        });
        expect(await waitForJob(queue, plain.job.id, 'failed')).toMatchObject({ attempts: 1 });
        const clientFailed = await waitForJob(queue, client.job.id, 'failed');
        expect(clientFailed).toMatchObject({ attempts: 1, error: { code: 'INVALID_REQUEST' } });
        expect(clientFailed.error?.message).toContain('no features');
        expect(await waitForJob(queue, server.job.id, 'failed')).toMatchObject({ attempts: 2, error: { code: 'INFERENCE_FAILED' } });
      });
    });

    describe('cancelling', () => {
      it('a cancelled queued job never runs', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const { job } = await queue.enqueue(q, 'n', 'cancel me');
        const cancelled = await queue.cancel(job.id);
        expect(cancelled).toMatchObject({ id: job.id, status: 'cancelled' });
        expect(cancelled?.finishedAt).toBeDefined();
        const ran: unknown[] = [];
        work(queue, q, async ({ job: running }) => ran.push(running.payload));
        const { job: later } = await queue.enqueue(q, 'n', 'run me');
        await waitForJob(queue, later.id, 'succeeded');
        expect(ran).toEqual(['run me']);
        expect((await queue.get(job.id))?.status).toBe('cancelled');
      });

      it('cancelling a running job aborts its handler’s signal and drops its late result', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const started = deferred<JobContext>();
        const finish = deferred<unknown>();
        const events: WorkerEvent[] = [];
        const { job } = await queue.enqueue(q, 'n', null);
        work(
          queue,
          q,
          async (ctx) => {
            started.resolve(ctx);
            return finish.promise;
          },
          { onEvent: (event) => events.push(event), leaseMs: LEASE_MS },
        );
        const ctx = await started.promise;
        const cancelled = await queue.cancel(job.id);
        expect(cancelled?.status).toBe('cancelled');
        await waitFor(() => ctx.signal.aborted);
        finish.resolve({ late: true });
        await waitFor(() => events.some((event) => event.type === 'dropped'));
        expect(events.find((event) => event.type === 'dropped')).toMatchObject({ reason: 'cancelled' });
        const after = await queue.get(job.id);
        expect(after?.status).toBe('cancelled');
        expect(after?.result).toBeUndefined();
      });

      it('cancelling a running job from another instance (process) also aborts the handler', async () => {
        const [a, b] = [await openQueue(), await openQueue()];
        const q = uniqueQueue();
        const started = deferred<JobContext>();
        const { job } = await a.enqueue(q, 'n', null);
        work(
          a,
          q,
          async (ctx) => {
            started.resolve(ctx);
            await aborted(ctx.signal);
            return 'too late';
          },
          { leaseMs: LEASE_MS },
        );
        const ctx = await started.promise;
        expect((await b.cancel(job.id))?.status).toBe('cancelled');
        await waitFor(() => ctx.signal.aborted);
        expect(await a.get(job.id)).toMatchObject({ status: 'cancelled' });
        expect((await a.get(job.id))?.result).toBeUndefined();
      });

      it('cancelling a finished job changes nothing; an unknown id answers undefined', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const { job } = await queue.enqueue(q, 'n', null);
        work(queue, q, async () => 'done');
        await waitForJob(queue, job.id, 'succeeded');
        expect(await queue.cancel(job.id)).toMatchObject({ status: 'succeeded', result: 'done' });
        expect(await queue.cancel(randomUUID())).toBeUndefined();
      });
    });

    describe('leases (a worker that dies)', () => {
      it('a crashed worker’s job runs again elsewhere once its lease expires: one result, attempt 2', async () => {
        const dying = await open();
        const survivor = await openQueue();
        const q = uniqueQueue();
        const started = deferred<JobContext>();
        const finishLate = deferred<unknown>();
        const { job } = await dying.queue.enqueue(q, 'n', null);
        const doomed = work(
          dying.queue,
          q,
          async (ctx) => {
            started.resolve(ctx);
            return finishLate.promise;
          },
          { leaseMs: LEASE_MS },
        );
        await started.promise;
        await crash(dying, doomed);
        const runsElsewhere: number[] = [];
        work(
          survivor,
          q,
          async ({ job: running }) => {
            runsElsewhere.push(running.attempts);
            return { by: 'survivor' };
          },
          { leaseMs: LEASE_MS },
        );
        const done = await waitForJob(survivor, job.id, 'succeeded');
        expect(done).toMatchObject({ attempts: 2, result: { by: 'survivor' } });
        expect(runsElsewhere).toEqual([2]);
        // The dead worker's handler answering late must not replace the result.
        finishLate.resolve({ by: 'dead worker' });
        await delay(LEASE_MS);
        expect(await survivor.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 2, result: { by: 'survivor' } });
      });

      it('a crash on the last attempt fails the job with JOB_LEASE_EXPIRED', async () => {
        const dying = await open();
        const survivor = await openQueue();
        const q = uniqueQueue();
        const started = deferred<void>();
        const { job } = await dying.queue.enqueue(q, 'n', null, { maxAttempts: 1 });
        const doomed = work(
          dying.queue,
          q,
          async () => {
            started.resolve();
            return new Promise(() => undefined);
          },
          { leaseMs: LEASE_MS },
        );
        await started.promise;
        await crash(dying, doomed);
        const ran: string[] = [];
        work(survivor, q, async ({ job: running }) => ran.push(running.id), { leaseMs: LEASE_MS });
        const failed = await waitForJob(survivor, job.id, 'failed');
        expect(failed).toMatchObject({ attempts: 1, error: { code: 'JOB_LEASE_EXPIRED' } });
        expect(ran).toEqual([]);
      });

      it('a live worker keeps its job past the lease time (the lease is renewed)', async () => {
        const [a, b] = [await openQueue(), await openQueue()];
        const q = uniqueQueue();
        const runs: string[] = [];
        const { job } = await a.enqueue(q, 'n', null);
        work(
          a,
          q,
          async () => {
            runs.push('a');
            await delay(LEASE_MS * 3);
            return 'a';
          },
          { leaseMs: LEASE_MS },
        );
        await waitFor(() => runs.length === 1);
        work(b, q, async () => runs.push('b'), { leaseMs: LEASE_MS });
        expect(await waitForJob(a, job.id, 'succeeded')).toMatchObject({ attempts: 1, result: 'a' });
        expect(runs).toEqual(['a']);
      });
    });

    describe('closing a worker', () => {
      it('close(grace) waits for running jobs to finish', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const started = deferred<void>();
        const finish = deferred<unknown>();
        const { job } = await queue.enqueue(q, 'n', null);
        const worker = work(queue, q, async () => {
          started.resolve();
          return finish.promise;
        });
        await started.promise;
        const closing = worker.close(DEADLINE_MS);
        finish.resolve('finished in grace');
        await closing;
        expect(await queue.get(job.id)).toMatchObject({ status: 'succeeded', result: 'finished in grace' });
      });

      it('a closed worker takes no more jobs', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        const ran: unknown[] = [];
        const worker = work(queue, q, async ({ job }) => ran.push(job.payload));
        await worker.close(0);
        const { job } = await queue.enqueue(q, 'n', 'after close');
        await delay(200);
        expect(ran).toEqual([]);
        expect((await queue.get(job.id))?.status).toBe('queued');
      });

      it('jobs still running after the grace are aborted and handed back, attempt not counted, and run elsewhere', async () => {
        const [a, b] = [await open(), await openQueue()];
        const q = uniqueQueue();
        const started = deferred<JobContext>();
        const events: WorkerEvent[] = [];
        const { job } = await a.queue.enqueue(q, 'n', null);
        const leaving = work(
          a.queue,
          q,
          async (ctx) => {
            started.resolve(ctx);
            await aborted(ctx.signal);
            return 'from the closing worker';
          },
          { onEvent: (event) => events.push(event) },
        );
        const ctx = await started.promise;
        await leaving.close(50);
        expect(ctx.signal.aborted).toBe(true);
        expect(events.find((event) => event.type === 'dropped')).toMatchObject({ reason: 'shutdown' });
        expect(await a.queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
        work(b, q, async ({ job: running }) => ({ attempt: running.attempts }));
        expect(await waitForJob(b, job.id, 'succeeded')).toMatchObject({ attempts: 1, result: { attempt: 1 } });
      });
    });

    describe('counts and retention', () => {
      it('counts() answers jobs of the queue by status', async () => {
        const queue = await openQueue();
        const q = uniqueQueue();
        expect(await queue.counts(q)).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
        const { job: first } = await queue.enqueue(q, 'ok', null);
        const once = work(queue, q, async () => 'ok');
        await waitForJob(queue, first.id, 'succeeded');
        await once.close();
        const { job: failing } = await queue.enqueue(q, 'bad', null, { maxAttempts: 1 });
        await queue.enqueue(q, 'hold', null);
        const { job: doomed } = await queue.enqueue(q, 'cancel', null);
        await queue.cancel(doomed.id);
        await queue.enqueue(q, 'wait', null);
        const holding = deferred<void>();
        work(queue, q, async ({ job }) => {
          if (job.name === 'bad') throw new Error('bad');
          if (job.name === 'hold') return holding.promise;
          return new Promise(() => undefined); // "wait" is never reached: concurrency 1 and "hold" holds
        });
        await waitForJob(queue, failing.id, 'failed');
        await waitFor(async () => (await queue.counts(q)).running === 1);
        expect(await queue.counts(q)).toEqual({ queued: 1, running: 1, succeeded: 1, failed: 1, cancelled: 1 });
        holding.resolve();
        expect(await queue.counts(uniqueQueue())).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
      });

      it('finished jobs and their keys go after retentionMs; unfinished jobs stay', async () => {
        const queue = await openQueue({ retentionMs: 300 });
        const q = uniqueQueue();
        const { job: waiting } = await queue.enqueue(uniqueQueue(), 'n', 'nobody works this queue');
        const { job } = await queue.enqueue(q, 'n', null, { key: 'once' });
        work(queue, q, async () => 'done');
        await waitForJob(queue, job.id, 'succeeded');
        await waitFor(async () => (await queue.get(job.id)) === undefined);
        expect((await queue.counts(q)).succeeded).toBe(0);
        expect((await queue.get(waiting.id))?.status).toBe('queued');
        const again = await queue.enqueue(q, 'n', null, { key: 'once' });
        expect(again.created).toBe(true);
        expect(again.job.id).not.toBe(job.id);
      });
    });
  });
}

function uniqueQueue(): string {
  return `contract-${randomUUID()}`;
}

async function waitFor(condition: () => boolean | Promise<boolean>, deadlineMs = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await delay(10);
  }
}

async function waitForJob(queue: JobQueue, id: string, status: QueueJob['status']): Promise<QueueJob> {
  let last: QueueJob | undefined;
  await waitFor(async () => {
    last = await queue.get(id);
    return last?.status === status;
  }).catch((err: unknown) => {
    throw new Error(`job ${id} did not become ${status} (last: ${JSON.stringify(last)})`, { cause: err });
  });
  return last!;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
