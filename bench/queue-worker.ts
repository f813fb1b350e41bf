/**
 * A queue worker process for the issue-5 steps (bench/queue-steps.ts), forked
 * by the bench: it opens a JobQueue adapter, loads the tiny model once and
 * predicts one job's instances per job, as a `mlpatterns worker` does, while
 * the bench process submits. It also runs a whole `runBatch` when asked, so a
 * batch run has a process of its own too.
 */
import { randomUUID } from 'node:crypto';
import type { JobQueue, QueueWorker } from '../src/ports/job-queue.js';
import { readPackage } from '../src/package/read-package.js';
import { loadModel } from '../src/serving/load-model.js';
import type { LoadedModel } from '../src/serving/loaded-model.js';
import { predict } from '../src/serving/predict.js';
import { epochMs, openAdapter } from './queue-adapters.js';
import type { BatchJob, BatchRunResult, QueueWorkerJob, QueueWorkerResult, StartWorkJob, WorkerReport } from './queue-protocol.js';
import { serveJobs } from './worker-rpc.js';

interface Running {
  readonly queue: JobQueue;
  readonly worker: QueueWorker;
  readonly model: LoadedModel;
}

let running: Running | undefined;
const tally = { succeeded: 0, failed: 0, firstStartedAt: null as number | null, lastFinishedAt: null as number | null };

async function start(job: StartWorkJob): Promise<QueueWorkerResult> {
  if (running !== undefined) throw new Error('a worker is already running in this process');
  const t0 = performance.now();
  const model = await loadModel(await readPackage(job.model));
  // The first execution allocates onnxruntime's buffers: not part of any job.
  await predict(model, { instances: [[5.1, 3.5, 1.4, 0.2]] }, 'warm-up');
  const loadMs = performance.now() - t0;
  const queue = await openAdapter(job.adapter);
  const worker = queue.work(job.queue, (ctx) => predict(model, ctx.job.payload, ctx.job.id), {
    concurrency: job.concurrency,
    onEvent: (event) => {
      if (event.type === 'started') tally.firstStartedAt ??= epochMs();
      else if (event.type === 'succeeded' || event.type === 'failed') {
        tally[event.type]++;
        tally.lastFinishedAt = epochMs();
      }
    },
  });
  running = { queue, worker, model };
  return { kind: 'started', loadMs };
}

function report(): WorkerReport {
  return { kind: 'report', ...tally };
}

async function stop(): Promise<QueueWorkerResult> {
  const r = running;
  running = undefined;
  if (r !== undefined) {
    await r.worker.close(1000);
    await r.queue.close();
    await r.model.dispose();
  }
  return { kind: 'stopped' };
}

async function batch(job: BatchJob): Promise<BatchRunResult> {
  const { runBatch } = await import('../src/batch/run-batch.js');
  const t0 = performance.now();
  const summary = await runBatch({
    target: { model: job.model },
    input: job.input,
    key: job.key,
    output: job.output,
    stateDir: job.stateDir,
    shardSize: job.shardSize,
    runId: `bench-${randomUUID().slice(0, 8)}`,
  });
  const elapsedS = (performance.now() - t0) / 1000;
  return {
    kind: 'batch',
    status: summary.status,
    rows: summary.rows,
    keysWritten: summary.keysWritten,
    failedRows: summary.failedRows,
    malformedRows: summary.malformedRows,
    shards: summary.shards,
    elapsedS,
    summaryRowsPerS: summary.rowsPerSecond,
  };
}

serveJobs<QueueWorkerJob, QueueWorkerResult>(async (job) => {
  switch (job.kind) {
    case 'start':
      return start(job);
    case 'report':
      return report();
    case 'stop':
      return stop();
    case 'batch':
      return batch(job);
  }
});
