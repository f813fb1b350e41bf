import { openQueue } from '../app/open-queue.js';
import { startJobWorker, type JobWorker } from '../jobs/job-worker.js';
import type { JobQueue, QueueJob } from '../ports/job-queue.js';
import { ErrorFile } from './error-file.js';
import type { InputReader } from './input-record.js';
import type { OutputRow, OutputWriter } from './output-writer.js';
import { planBatch, type BatchPlan } from './plan.js';
import { ProgressMeter } from './progress-meter.js';
import { RunStore, type RunRow } from './run-store.js';
import { BATCH_SHARD_JOB, disposeShardModels, type ShardPayload, type ShardResult } from './shard-job.js';
import { defaultFeatures, toInstance, type ShardItem } from './to-instance.js';
import type { BatchOptions, BatchSummary, RunBatchHooks } from './types.js';
import { openWorkerDeps } from './worker-deps.js';

export type { BatchOptions, BatchProgress, BatchSummary, BatchTarget, RunBatchHooks } from './types.js';

/** How often the coordinator looks at its queued shards when no in-process worker tells it one finished. */
const POLL_MS = 50;
/** How often queued shards are read back when in-process workers report their own. */
const SCAN_MS = 250;

/**
 * Runs (or resumes) a batch job: reads the input, queues one "batch-shard" job
 * per shard, lets in-process and remote workers predict them, writes every key
 * once to the output and resolves with the summary (docs/batch.md).
 *
 * The same options make the same run id: a second call continues the run (done
 * shards are skipped, queued ones are waited for), and a call after the run
 * succeeded returns its summary without redoing anything. Null mode
 * (`whereNull`) instead predicts whatever is NULL at each call.
 */
export async function runBatch(options: BatchOptions, hooks: RunBatchHooks = {}): Promise<BatchSummary> {
  const plan = await planBatch(options);
  const store = new RunStore(plan.stateDir);
  try {
    const existing = store.run(plan.runId);
    if (existing && existing.spec !== plan.spec) {
      throw new Error(`run ${plan.runId} was started with other arguments (${existing.spec}); give another --run-id`);
    }
    if (existing?.status === 'succeeded' && plan.whereNull === undefined) return finishedSummary(existing, store, plan);
    const run = store.begin(plan.runId, plan.spec, plan.outputName, plan.errorFile, plan.whereNull !== undefined);
    return await new Coordinator(plan, store, run, hooks).run();
  } finally {
    store.close();
  }
}

interface Inflight {
  readonly shard: string;
  readonly jobId: string;
  readonly items: readonly ShardItem[];
}

/** One invocation of a run: reads, queues, waits, writes. */
class Coordinator {
  readonly #meter: ProgressMeter;
  readonly #inflight = new Map<string, Inflight>();
  readonly #shardOrder: string[] = [];
  readonly #seen = new Set<string>();
  readonly #maxInflight: number;
  #features: readonly string[] | undefined;
  #rows = 0;
  #duplicates = 0;
  #failedRows = 0;
  #shardsResumed = 0;
  #shardIndex = 0;
  #wake: (() => void) | undefined;
  /** Jobs an in-process worker reported finished (with their result): no need to read them back. */
  readonly #finishedByEvent = new Map<string, QueueJob>();
  #lastScan = 0;
  #queue!: JobQueue;
  #writer!: OutputWriter;
  #errors!: ErrorFile;

  constructor(
    private readonly plan: BatchPlan,
    private readonly store: RunStore,
    private readonly runRow: RunRow,
    private readonly hooks: RunBatchHooks,
  ) {
    this.#meter = new ProgressMeter(plan.runId, hooks.onProgress);
    this.#features = plan.features;
    // Enough queued shards to keep every worker busy (remote ones too), few enough to bound the payloads held.
    this.#maxInflight = Math.max(16, plan.workers * 2);
  }

  async run(): Promise<BatchSummary> {
    const { plan } = this;
    const reader: InputReader = plan.reader();
    this.#writer = plan.writer();
    this.#errors = new ErrorFile(plan.errorFile);
    let worker: JobWorker | undefined;
    let closeDeps: (() => Promise<void>) | undefined;
    let queue: JobQueue | undefined;
    try {
      void reader.estimateTotal().then(
        (n) => {
          if (n === undefined) return;
          this.#meter.rowsTotal = n;
          this.#meter.shardsTotal = Math.ceil(n / plan.shardSize);
        },
        () => undefined,
      );
      queue = this.#queue = await openQueue(plan.config);
      if (plan.workers > 0) {
        const opened = await openWorkerDeps(plan.config);
        closeDeps = opened.close;
        worker = startJobWorker({
          queue,
          deps: opened.deps,
          queueName: plan.queueName,
          concurrency: plan.workers,
          leaseMs: plan.config.queue.leaseMs,
          onEvent: (e) => {
            if (e.type !== 'succeeded' && e.type !== 'failed') return;
            this.#finishedByEvent.set(e.job.id, e.job);
            this.#wake?.();
          },
        });
      }
      if (plan.whereNull !== undefined) await this.#settleEarlierPasses();
      await this.#readAndQueue(reader);
      while (this.#inflight.size > 0) await this.#poll();
      const complete = this.#failedRows === 0;
      await this.#writer.finish(this.#doneShardsInOrder(), complete);
      const summary = this.#summary(complete ? 'succeeded' : 'failed');
      this.store.finish(plan.runId, summary.status, { rows: this.#rows, malformed: this.#meter.malformedRows, shards: this.#shardOrder.length });
      this.#meter.report(true);
      return summary;
    } finally {
      // Shards still queued stay in the queue: a later invocation (or a remote worker) picks them up.
      await worker?.close(0);
      await queue?.close();
      await closeDeps?.();
      await disposeShardModels();
      await reader.close();
      await this.#writer.close();
      this.#errors.close();
    }
  }

  /**
   * Null mode: shards an interrupted earlier pass left queued. Those that
   * finished meanwhile are written (their rows are then no longer NULL, so
   * this pass skips them); the others are cancelled, and this pass reads their
   * rows again, as they are still NULL.
   */
  async #settleEarlierPasses(): Promise<void> {
    const current = `${this.runRow.pass}.`;
    for (const shard of this.store.shards(this.plan.runId)) {
      if (shard.status !== 'queued' || shard.shard.startsWith(current) || shard.job_id === null) continue;
      const job = await this.#queue.get(shard.job_id);
      if (job?.status === 'succeeded') {
        const items = (job.payload as ShardPayload).items.map((i) => ({ ...i }));
        await this.#completed({ shard: shard.shard, jobId: job.id, items }, job, false);
        continue;
      }
      if (job) await this.#queue.cancel(job.id);
      this.store.failed(this.plan.runId, shard.shard, job?.attempts ?? 0, `superseded by pass ${this.runRow.pass}`);
    }
  }

  async #readAndQueue(reader: InputReader): Promise<void> {
    const { key, whereNull, shardSize } = this.plan;
    let shard: ShardItem[] = [];
    for await (const input of reader.rows()) {
      this.hooks.signal?.throwIfAborted();
      this.#rows++;
      if (input.error !== undefined) {
        this.#malformed({ row: input.row, error: input.error });
        continue;
      }
      this.#features ??= defaultFeatures(input.record, key, whereNull);
      const converted = toInstance(input.row, input.record, key, this.#features);
      if (converted.error !== undefined) {
        this.#malformed({ row: input.row, key: input.record[key], error: converted.error });
        continue;
      }
      const k = String(converted.item.key);
      if (this.#seen.has(k)) {
        this.#duplicates++;
        this.#malformed({ row: input.row, key: converted.item.key, error: 'duplicate key: the first row with this key wins' });
        continue;
      }
      this.#seen.add(k);
      shard.push(converted.item);
      if (shard.length === shardSize) {
        await this.#submit(shard);
        shard = [];
      }
    }
    if (shard.length > 0) await this.#submit(shard);
  }

  #malformed(entry: { row: number; key?: unknown; error: string }): void {
    this.#errors.add(entry);
    this.#meter.malformedRows++;
    this.#meter.rowsDone++;
    this.#meter.report();
  }

  async #submit(items: readonly ShardItem[]): Promise<void> {
    const { plan } = this;
    // Null mode reads only the rows still NULL, so each invocation (pass) cuts different shards.
    const shard = plan.whereNull !== undefined ? `${this.runRow.pass}.${this.#shardIndex}` : String(this.#shardIndex);
    this.#shardIndex++;
    this.#shardOrder.push(shard);
    const row = this.store.shard(plan.runId, shard);
    if (row?.status === 'done') {
      this.#shardsResumed++;
      this.#meter.rowsResumed += items.length;
      this.#meter.rowsDone += items.length;
      this.#meter.shardsDone++;
      this.#reportRowErrors(row.error);
      this.#meter.report();
      return;
    }
    while (this.#inflight.size >= this.#maxInflight) await this.#poll();
    // A shard that failed for good gets a new job (a new key); a queued one is found again by its key.
    const submission = row === undefined ? 1 : row.status === 'failed' ? row.submissions + 1 : Math.max(1, row.submissions);
    const payload: ShardPayload = { runId: plan.runId, shard, target: plan.target, items: items.map((i) => ({ key: i.key, row: i.row, instance: i.instance })) };
    const { job, created } = await this.#queue.enqueue(plan.queueName, BATCH_SHARD_JOB, payload, {
      key: `batch:${plan.runId}:${shard}${submission > 1 ? `:${submission}` : ''}`,
      maxAttempts: plan.config.queue.maxAttempts,
      backoffMs: plan.config.queue.backoffMs,
      meta: { batch: plan.runId, shard },
    });
    this.store.queued(plan.runId, shard, items[0]?.row ?? 0, items.length, job.id, created);
    this.#inflight.set(shard, { shard, jobId: job.id, items });
  }

  /**
   * Handles every finished shard, or waits a little (woken early by an
   * in-process worker). Shards finished elsewhere (remote workers, an earlier
   * invocation) are found by reading the queued jobs back, at most every
   * SCAN_MS: each read parses a whole shard's payload.
   */
  async #poll(): Promise<void> {
    this.hooks.signal?.throwIfAborted();
    let finished = 0;
    const scan = performance.now() - this.#lastScan >= (this.plan.workers > 0 ? SCAN_MS : POLL_MS);
    if (scan) this.#lastScan = performance.now();
    for (const f of [...this.#inflight.values()]) {
      const reported = this.#finishedByEvent.get(f.jobId);
      if (reported === undefined && !scan) continue;
      this.#finishedByEvent.delete(f.jobId);
      const job = reported ?? (await this.#queue.get(f.jobId));
      if (job === undefined) {
        await this.#failed(f, 0, 'the shard job is gone from the queue (past its retention time?); run again to redo it');
      } else if (job.status === 'succeeded') {
        await this.#completed(f, job);
      } else if (job.status === 'failed' || job.status === 'cancelled') {
        await this.#failed(f, job.attempts, job.error ? `${job.error.code}: ${job.error.message}` : job.status);
      } else {
        continue;
      }
      finished++;
    }
    // Events of jobs that are not this invocation's (another run on the same queue).
    for (const id of this.#finishedByEvent.keys()) if (![...this.#inflight.values()].some((f) => f.jobId === id)) this.#finishedByEvent.delete(id);
    this.#meter.report();
    if (finished > 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /** `counted`: the shard belongs to this invocation's rows (not a settled earlier pass). */
  async #completed(f: Inflight, job: QueueJob, counted = true): Promise<void> {
    const result = job.result as ShardResult;
    const refused = new Map((result.errors ?? []).map((e) => [e.index, e]));
    const rows: OutputRow[] = [];
    const rowErrors: { row: number; key: unknown; error: string }[] = [];
    f.items.forEach((item, i) => {
      const error = refused.get(i);
      if (error) rowErrors.push({ row: item.row, key: item.key, error: `${error.code}: ${error.message}` });
      else rows.push({ key: item.key, prediction: result.predictions[i], ...(result.labels ? { label: result.labels[i] ?? null } : {}) });
    });
    await this.#writer.write(f.shard, rows);
    this.store.done(this.plan.runId, f.shard, { attempts: job.attempts, written: rows.length, errors: rowErrors.length, rowErrors });
    this.#inflight.delete(f.shard);
    for (const e of rowErrors) this.#errors.add(e);
    if (!counted) return;
    this.#meter.malformedRows += rowErrors.length;
    this.#meter.rowsDone += f.items.length;
    this.#meter.shardsDone++;
    this.store.touch(this.plan.runId, { rows: this.#rows, malformed: this.#meter.malformedRows });
  }

  async #failed(f: Inflight, attempts: number, error: string): Promise<void> {
    this.store.failed(this.plan.runId, f.shard, attempts, error);
    this.#inflight.delete(f.shard);
    for (const item of f.items) this.#errors.add({ row: item.row, key: item.key, error: `shard ${f.shard} failed: ${error}` });
    this.#failedRows += f.items.length;
    this.#meter.rowsDone += f.items.length;
  }

  /** A resumed shard's rows the model refused, reported again so the error file covers the whole input. */
  #reportRowErrors(stored: string | null): void {
    if (!stored) return;
    const errors = JSON.parse(stored) as { row: number; key: unknown; error: string }[];
    for (const e of errors) this.#errors.add(e);
    this.#meter.malformedRows += errors.length;
  }

  #doneShardsInOrder(): string[] {
    const done = new Set(this.store.shards(this.plan.runId).filter((s) => s.status === 'done').map((s) => s.shard));
    return this.#shardOrder.filter((s) => done.has(s));
  }

  #summary(status: 'succeeded' | 'failed'): BatchSummary {
    const elapsedMs = Math.round(this.#meter.elapsedMs);
    return {
      runId: this.plan.runId,
      status,
      rows: this.#rows,
      keysWritten: this.plan.whereNull === undefined ? this.store.keysWritten(this.plan.runId) : this.#keysWrittenThisPass(),
      malformedRows: this.#meter.malformedRows,
      failedRows: this.#failedRows,
      duplicateKeys: this.#duplicates,
      shards: this.#shardOrder.length,
      shardsResumed: this.#shardsResumed,
      errorFile: this.plan.errorFile,
      output: this.plan.outputName,
      elapsedMs,
      rowsPerSecond: Math.round(this.#meter.rowsPerSecond),
    };
  }

  #keysWrittenThisPass(): number {
    const prefix = `${this.runRow.pass}.`;
    return this.store
      .shards(this.plan.runId)
      .filter((s) => s.status === 'done' && s.shard.startsWith(prefix))
      .reduce((n, s) => n + s.written, 0);
  }
}

/** A run that already succeeded, submitted again: the same run, nothing redone. */
function finishedSummary(run: RunRow, store: RunStore, plan: BatchPlan): BatchSummary {
  const shards = store.shards(run.id);
  return {
    runId: run.id,
    status: 'succeeded',
    rows: run.rows,
    keysWritten: store.keysWritten(run.id),
    malformedRows: run.malformed,
    failedRows: 0,
    duplicateKeys: 0,
    shards: shards.length,
    shardsResumed: shards.length,
    errorFile: run.error_file,
    output: plan.outputName,
    elapsedMs: 0,
    rowsPerSecond: 0,
  };
}
