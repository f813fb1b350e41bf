/**
 * Issue 5's queue and batch scenarios: tiny-model jobs through the embedded
 * SQLite queue (submitted by the bench process, worked by a worker process),
 * through BullMQ on Redis with two worker processes, and a batch run of the
 * tiny model over a generated CSV against raw onnxruntime on as many rows in
 * runs of the shard size, in the same step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQueue } from '../src/ports/job-queue.js';
import { epochMs, openAdapter } from './queue-adapters.js';
import { writeBatchInput } from './queue-batch-input.js';
import { httpJobsStep } from './queue-http.js';
import { QUEUE_STEP_IDS } from './queue-step-ids.js';
import { deleteKeysWithPrefix } from './queue-redis.js';
import { StepSkipped, type BatchMeasurement, type QueueMeasurement } from './measurements.js';
import { IRIS_INPUT, IRIS_ROW } from './payloads.js';
import { BENCH_DIR, IRIS_ONNX, IRIS_PACKAGE } from './paths.js';
import type { QueueAdapterSpec, QueueWorkerJob, QueueWorkerResult, WorkerReport } from './queue-protocol.js';
import type { RawRowsResult } from './raw-ort-protocol.js';
import { redisUnreachable } from './service-graph-probes.js';
import type { Step, StepContext } from './steps.js';
import { WorkerProcess } from './worker-rpc.js';

/** Concurrent submit loops: like as many clients each waiting for its 202 before the next. */
export const QUEUE_SUBMITTERS = 32;
/** work() concurrency per worker process: enough jobs in flight to hide the queue's round trips. */
export const QUEUE_WORKER_CONCURRENCY = 16;
export const BULL_WORKER_PROCESSES = 2;
/** The batch run's shard size (runBatch's default), and the raw runs' batch size. */
export const BATCH_SHARD_SIZE = 1000;
const REDIS_HOST = '127.0.0.1';
const REDIS_PORT = 6379;
const QUEUE_NAME = 'bench';

type QueueWorkerProcess = WorkerProcess<QueueWorkerJob, QueueWorkerResult>;

const startWorkerProcess = (): QueueWorkerProcess => WorkerProcess.start<QueueWorkerJob, QueueWorkerResult>(join(BENCH_DIR, 'queue-worker.ts'));

async function ask<K extends QueueWorkerResult['kind']>(worker: QueueWorkerProcess, job: QueueWorkerJob, kind: K): Promise<Extract<QueueWorkerResult, { kind: K }>> {
  const result = await worker.call(job);
  if (result.kind !== kind) throw new Error(`queue worker answered "${job.kind}" with "${result.kind}"`);
  return result as Extract<QueueWorkerResult, { kind: K }>;
}

/** Submits `jobs` predict jobs from `submitters` loops; resolves with the time it took. */
async function submitAll(queue: JobQueue, jobs: number, submitters: number): Promise<number> {
  const t0 = performance.now();
  const payload = { instances: [[...IRIS_ROW]] };
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < jobs) {
      next++;
      await queue.enqueue(QUEUE_NAME, 'predict', payload);
    }
  };
  await Promise.all(Array.from({ length: submitters }, loop));
  return (performance.now() - t0) / 1000;
}

/** Polls the queue's counts until `total` jobs have finished (succeeded or failed), or the deadline passes. */
async function finished(queue: JobQueue, total: number, deadlineMs: number): Promise<void> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    const c = await queue.counts(QUEUE_NAME);
    if (c.succeeded + c.failed >= total) return;
    if (performance.now() > until) {
      throw new Error(`only ${c.succeeded + c.failed} of ${total} jobs finished within ${Math.round(deadlineMs / 1000)} s (${JSON.stringify(c)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Rounds of `jobs` jobs on one queue with the workers running throughout;
 * each round is timed from its first enqueue to the last job a worker
 * finished (every round waits for the previous one to drain).
 */
async function queueRounds(
  ctx: StepContext,
  adapter: QueueAdapterSpec,
  jobs: number,
  workerProcesses: number,
): Promise<QueueMeasurement> {
  const workers = Array.from({ length: workerProcesses }, startWorkerProcess);
  const queue = await openAdapter(adapter);
  try {
    await Promise.all(
      workers.map((w) => ask(w, { kind: 'start', adapter, queue: QUEUE_NAME, model: IRIS_PACKAGE, concurrency: QUEUE_WORKER_CONCURRENCY }, 'started')),
    );
    const rounds: { elapsedS: number; submitS: number; succeeded: number; failed: number }[] = [];
    let before = { succeeded: 0, failed: 0 };
    for (let round = 0; round < ctx.settings.repeats; round++) {
      const t0 = epochMs();
      const submitS = await submitAll(queue, jobs, QUEUE_SUBMITTERS);
      // Generous: a queue at a tenth of the target still finishes; a stuck one fails the step.
      await finished(queue, jobs * (round + 1), Math.max(30_000, jobs * 5));
      const reports = await Promise.all(workers.map((w) => ask(w, { kind: 'report' }, 'report')));
      const sum = (f: (r: WorkerReport) => number): number => reports.reduce((total, r) => total + f(r), 0);
      const last = Math.max(...reports.map((r) => r.lastFinishedAt ?? -Infinity));
      if (!Number.isFinite(last)) throw new Error('no worker finished a job');
      const now = { succeeded: sum((r) => r.succeeded), failed: sum((r) => r.failed) };
      rounds.push({ elapsedS: (last - t0) / 1000, submitS, succeeded: now.succeeded - before.succeeded, failed: now.failed - before.failed });
      before = now;
    }
    const rates = rounds.map((r) => jobs / r.elapsedS);
    const median = [...rounds].sort((a, b) => a.elapsedS - b.elapsedS)[(rounds.length - 1) >> 1];
    if (median === undefined) throw new Error('no rounds');
    return {
      kind: 'queue',
      adapter: adapter.kind,
      jobs,
      submitters: QUEUE_SUBMITTERS,
      workerProcesses,
      concurrencyPerWorker: QUEUE_WORKER_CONCURRENCY,
      elapsedS: median.elapsedS,
      submitS: median.submitS,
      jobsPerS: jobs / median.elapsedS,
      succeeded: median.succeeded,
      failed: median.failed,
      roundsJobsPerS: rates,
    };
  } finally {
    await Promise.allSettled(workers.map(async (w) => {
      await w.call({ kind: 'stop' }).catch(() => undefined);
      await w.stop();
    }));
    await queue.close();
  }
}

function sqliteStep(): Step {
  return {
    id: QUEUE_STEP_IDS.sqlite,
    title: 'queue: SQLite (embedded), tiny-model jobs, 1 submitter process + 1 worker process',
    concurrency: `${QUEUE_SUBMITTERS} submitters, worker ×${QUEUE_WORKER_CONCURRENCY}`,
    estimateS: (s) => (s.queueJobs / 2000) * s.repeats + 2,
    run: async (ctx) => {
      const dir = mkdtempSync(join(tmpdir(), 'mlpatterns-bench-queue-'));
      try {
        return await queueRounds(ctx, { kind: 'sqlite', path: join(dir, 'queue.sqlite') }, ctx.settings.queueJobs, 1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function bullStep(): Step {
  return {
    id: QUEUE_STEP_IDS.bullmq,
    title: `queue: BullMQ on Redis, tiny-model jobs, 1 submitter process + ${BULL_WORKER_PROCESSES} worker processes`,
    concurrency: `${QUEUE_SUBMITTERS} submitters, ${BULL_WORKER_PROCESSES} workers ×${QUEUE_WORKER_CONCURRENCY}`,
    estimateS: (s) => (s.bullJobs / 1000) * s.repeats + 3,
    run: async (ctx) => {
      const reason = await redisUnreachable(REDIS_HOST, REDIS_PORT);
      if (reason !== null) throw new StepSkipped(reason);
      const url = `redis://${REDIS_HOST}:${REDIS_PORT}`;
      // Keys of this run only: deleted afterwards, never touching anything else in the Redis.
      const prefix = `mlp-bench-${process.pid}-${Date.now().toString(36)}`;
      try {
        return await queueRounds(ctx, { kind: 'bullmq', url, prefix }, ctx.settings.bullJobs, BULL_WORKER_PROCESSES);
      } finally {
        await deleteKeysWithPrefix(url, `${prefix}:`);
      }
    },
  };
}

async function rawRows(ctx: StepContext, rows: number): Promise<RawRowsResult> {
  const result = await ctx.raw.call({ kind: 'rows', model: { file: IRIS_ONNX, input: IRIS_INPUT, width: IRIS_ROW.length }, batchSize: BATCH_SHARD_SIZE, rows });
  if (result.kind !== 'rows') throw new Error('raw worker answered with the wrong kind');
  return result;
}

/** The batch runner's module could not be loaded (not there yet): n/a, not a failure of the runner. */
const notLoadable = (message: string): boolean => /ERR_MODULE_NOT_FOUND|Cannot find module|run-batch/.test(message) && /not found|Cannot find/i.test(message);

function batchStep(): Step {
  return {
    id: QUEUE_STEP_IDS.batch,
    title: 'batch run: tiny model, CSV → JSONL (runBatch, SQLite queue, 2 in-process workers) vs raw onnxruntime',
    concurrency: `shards of ${BATCH_SHARD_SIZE}`,
    estimateS: (s) => s.batchRows / 40_000 + 3,
    run: async (ctx): Promise<BatchMeasurement> => {
      const rows = ctx.settings.batchRows;
      const dir = mkdtempSync(join(tmpdir(), 'mlpatterns-bench-batch-'));
      const worker = startWorkerProcess();
      try {
        const input = join(dir, 'input.csv');
        await writeBatchInput(input, rows);
        const raw: RawRowsResult[] = [await rawRows(ctx, rows)];
        let batch: BatchMeasurement['batch'] = null;
        let batchUnavailable: string | undefined;
        try {
          batch = await ask(
            worker,
            { kind: 'batch', model: IRIS_PACKAGE, input, key: 'id', output: join(dir, 'predictions.jsonl'), stateDir: join(dir, 'state'), shardSize: BATCH_SHARD_SIZE },
            'batch',
          );
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (!notLoadable(message)) throw err;
          batchUnavailable = message.split('\n')[0] ?? message;
        }
        // Raw on both sides of the batch run, so a change of the machine's load shows in their spread.
        raw.push(await rawRows(ctx, rows), await rawRows(ctx, rows));
        const rawRowsPerS = [...raw].map((r) => r.rowsPerS).sort((a, b) => a - b)[1] ?? 0;
        return {
          kind: 'batch',
          rows,
          shardSize: BATCH_SHARD_SIZE,
          input: 'CSV (id + 4 float columns), generated',
          output: 'JSONL file',
          raw,
          rawRowsPerS,
          batch,
          ...(batchUnavailable !== undefined ? { batchUnavailable } : {}),
        };
      } finally {
        await worker.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The steps in run order. A function for the same reason as graphSteps (steps.ts imports this file). */
export function queueSteps(): Step[] {
  return [sqliteStep(), httpJobsStep(), bullStep(), batchStep()];
}
