import { z } from 'zod';
import { monitorsSchema, monitoringProblems, triggersSchema } from '../monitoring/schema.js';
import { MODEL_NAME_PATTERN } from '../package/manifest.js';
import { serviceEntrySchema } from '../services/schema.js';
import { graphProblems } from '../services/validate-graph.js';
import { scheduleProblems, schedulesSchema } from '../schedules/schema.js';

/** Options of onnxruntime sessions (see onnxruntime's SessionOptions). */
export const sessionOptionsSchema = z
  .object({
    /** Threads inside one operator. @default onnxruntime's choice (all cores) */
    intraOpNumThreads: z.number().int().min(0).optional(),
    /** Threads across operators (parallel mode only). */
    interOpNumThreads: z.number().int().min(0).optional(),
    /** @default "sequential" */
    executionMode: z.enum(['sequential', 'parallel']).optional(),
    /** @default "all" */
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).optional(),
    /**
     * Where sessions run. "worker": in worker threads, so the event loop stays free
     * to parse requests and fill the next batch while a model computes (session
     * creation happens there too). "inline": on the main thread; the lowest
     * latency for tiny models (no thread hop, ~25 µs less per run), but the event
     * loop is blocked while a model computes. "auto": worker for model files of
     * 1 MiB or more, inline below (a model that small computes in microseconds,
     * less than the hop would cost).
     * (`.optional()` after `.default()`: parsing fills the default, while objects
     * built in code may leave it out; absent means "auto" there too.)
     * @default "auto"
     */
    executor: z.enum(['auto', 'worker', 'inline']).default('auto').optional(),
    /**
     * Worker threads per model (executor "worker"), each with its own session;
     * a run goes to an idle one, else waits its turn (FIFO). More than 1 only
     * helps when batches run concurrently (batching.maxConcurrentBatches > 1)
     * and cores are spare: set intraOpNumThreads so that threads × intra-op
     * threads stays within the cores.
     * @default 1
     */
    workerThreads: z.number().int().min(1).default(1).optional(),
  })
  .strict();

/**
 * Dynamic batching (Triton's dynamic batcher): requests for one model are
 * queued and merged along the batch dimension into one execution.
 */
export const batchingSchema = z
  .object({
    /** Largest batch, counted in rows (instances), not requests. 1 disables batching. @default 64 */
    maxBatchSize: z.number().int().min(1).default(64),
    /** Longest time the oldest queued request waits for a batch to fill, in µs. @default 500 */
    maxQueueDelayUs: z.number().int().min(0).default(500),
    /** Batch sizes to prefer when more rows are queued than one batch takes. @default [] */
    preferredBatchSizes: z.array(z.number().int().min(1)).default([]),
    /** Rows that may wait in the queue; beyond, requests are refused at once (503). @default 4096 */
    maxQueueRows: z.number().int().min(1).default(4096),
    /** Batches executing at once for the model. @default 1 */
    maxConcurrentBatches: z.number().int().min(1).default(1),
  })
  .strict();

/**
 * What a served model gets when its config says nothing about batching: merge the
 * requests that arrive together or while the model is busy, but never wait for
 * more (delay 0), so a lone request pays only one event-loop turn.
 */
export const DEFAULT_BATCHING: BatchingOptions = Object.freeze(batchingSchema.parse({ maxQueueDelayUs: 0 }));

/** Admission control per served model (load shedding). */
export const limitsSchema = z
  .object({
    /** Requests admitted at once (queued or running); beyond, 503 with Retry-After. @default 1024 */
    maxInFlight: z.number().int().min(1).default(1024),
    /** Per-request deadline in ms from arrival; a request still queued then gets 504. 0 = none. @default 0 */
    timeoutMs: z.number().int().min(0).default(0),
    /** Retry-After seconds sent with a 503. @default 1 */
    retryAfterSeconds: z.number().int().min(0).default(1),
  })
  .strict();

export const modelEntrySchema = z
  .object({
    /** Name the model is served under (URL path segment). */
    name: z.string().regex(MODEL_NAME_PATTERN, 'use letters, digits, ".", "_" and "-"'),
    /** A package folder or a .onnx file (relative to the config file). */
    path: z.string().min(1).optional(),
    /** A registry reference: name, name@alias or name:version. */
    ref: z.string().min(1).optional(),
    /** Class labels file (JSON list or {"0": "label"}) for a bare .onnx. */
    labels: z.string().optional(),
    /** How often an alias reference is checked for moves, in ms. 0 disables. @default 2000 */
    pollIntervalMs: z.number().int().min(0).optional(),
    session: sessionOptionsSchema.optional(),
    /** Dynamic batching. @default DEFAULT_BATCHING (delay 0); `maxBatchSize: 1` turns it off */
    batching: batchingSchema.optional(),
    limits: limitsSchema.optional(),
  })
  .strict()
  .refine((m) => (m.path === undefined) !== (m.ref === undefined), {
    message: 'give exactly one of "path" or "ref"',
  });

/**
 * The job queue (docs/jobs.md): where `POST /v1/services/{name}/jobs` and batch
 * runs put work, and what `mlpatterns worker` (or `serve --workers-inline`) takes it from.
 */
export const queueSchema = z
  .object({
    /** "sqlite": an embedded file, one machine; "redis": BullMQ, workers on any number of machines. @default "sqlite" */
    store: z.enum(['sqlite', 'redis']).default('sqlite'),
    /** SQLite file (relative to the config file). @default "<storage.stateDir>/queue.sqlite" */
    path: z.string().min(1).optional(),
    /** Redis URL for store "redis" (`${ENV}` works). @default "redis://127.0.0.1:6379" */
    url: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** Key prefix for store "redis", so several deployments can share one Redis. @default "mlp:bull" */
    prefix: z.string().min(1).optional(),
    /** Jobs one worker runs at once. @default 1 */
    concurrency: z.number().int().min(1).default(1),
    /** Visibility timeout: a job whose worker stopped renewing its lease this long runs again elsewhere, ms. @default 30000 */
    leaseMs: z.number().int().min(100).default(30_000),
    /** Attempts before a job is failed for good (the dead-letter state). @default 3 */
    maxAttempts: z.number().int().min(1).default(3),
    /** Base of the exponential backoff between attempts (backoffMs · 2^(attempt-1)), ms. @default 1000 */
    backoffMs: z.number().int().min(0).default(1000),
    /** How long finished jobs (and their idempotency keys) are kept, ms. @default 86400000 (24 h) */
    retentionMs: z.number().int().min(0).default(86_400_000),
    /** An attempt running longer fails with JOB_TIMEOUT (and is retried). @default none */
    jobTimeoutMs: z.number().int().min(1).optional(),
    /** Run a worker inside `mlpatterns serve` (as `--workers-inline` does). @default false */
    inline: z.boolean().default(false),
  })
  .strict();

/** The prediction log (docs/prediction-log.md): every prediction recorded off the request path. */
export const predictionLogSchema = z
  .object({
    /** Where records go: an embedded SQLite file, a NATS JetStream stream, a Redis Stream, or nowhere. @default "sqlite" */
    store: z.enum(['sqlite', 'nats', 'redis', 'none']).default('sqlite'),
    /** Server URL for "nats" / "redis". @default "nats://127.0.0.1:4222" / "redis://127.0.0.1:6379" */
    url: z.string().min(1).optional(),
    /** SQLite file (relative to the config file). @default "<storage.stateDir>/predictions.sqlite" */
    path: z.string().min(1).optional(),
    /** JetStream stream ("nats") or stream key ("redis"). @default "MLP_PREDICTIONS" / "mlp:predictions" */
    stream: z.string().min(1).optional(),
    /** "nats": records go to `<subjectPrefix>.<service or model>`. @default "mlp.predictions" */
    subjectPrefix: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens of letters, digits, "_" and "-"').optional(),
    /** Share of records that keep their inputs, 0..1. @default 1 */
    sampleInputs: z.number().min(0).max(1).default(1),
    /** Instance fields (dot paths, or column indexes) stored as "[redacted]". @default [] */
    redact: z.array(z.string().min(1)).default([]),
    /** Records buffered while the sink is slow or down; beyond, new ones are dropped and counted. @default 10000 */
    bufferSize: z.number().int().min(1).default(10_000),
    /** How often the buffer is written out, ms. @default 1000 */
    flushMs: z.number().int().min(1).default(1000),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        /** @default "0.0.0.0" */
        host: z.string().default('0.0.0.0'),
        /** @default 8080 */
        port: z.number().int().min(0).max(65535).default(8080),
        /** Largest accepted request body in bytes. @default 16 MiB */
        bodyLimit: z.number().int().positive().default(16 * 1024 * 1024),
        /** Token for admin routes; admin routes are disabled without one. */
        adminToken: z.string().min(1).optional(),
        /** Grace period for in-flight requests on SIGTERM, ms. @default 10000 */
        shutdownGraceMs: z.number().int().min(0).default(10_000),
        /** @default "info" */
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ host: '0.0.0.0', port: 8080, bodyLimit: 16 * 1024 * 1024, shutdownGraceMs: 10_000, logLevel: 'info' }),
    storage: z
      .object({
        /** State directory for embedded storage. @default ".mlpatterns" */
        stateDir: z.string().default('.mlpatterns'),
        /** Metadata store URL: sqlite path or postgres://… @default "<stateDir>/mlpatterns.db" */
        metadata: z.string().optional(),
        /** Artifact store URL: a folder. @default "<stateDir>/artifacts" */
        artifacts: z.string().optional(),
      })
      .strict()
      .default({ stateDir: '.mlpatterns' }),
    models: z.array(modelEntrySchema).default([]),
    /** Named endpoints whose body is a pattern graph (docs/services.md). @default [] */
    services: z.array(serviceEntrySchema).default([]),
    /** The job queue of the job API and batch runs (docs/jobs.md). */
    queue: queueSchema.default(() => queueSchema.parse({})),
    /** Batch jobs on a cron (docs/schedules.md). @default [] */
    schedules: schedulesSchema,
    /** Records kept about serving (docs/prediction-log.md). */
    logging: z
      .object({ predictions: predictionLogSchema.default(() => predictionLogSchema.parse({})) })
      .strict()
      .default(() => ({ predictions: predictionLogSchema.parse({}) })),
    /** Drift monitors over the prediction log, with alerts (docs/monitoring.md). @default [] */
    monitors: monitorsSchema,
    /** Retrain triggers evaluated after monitor runs (docs/monitoring.md). @default [] */
    triggers: triggersSchema,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.models.forEach((m, i) => {
      if (seen.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name "${m.name}"` });
      }
      seen.add(m.name);
    });
    for (const problem of graphProblems(cfg.services, seen)) ctx.addIssue({ code: 'custom', ...problem });
    for (const problem of monitoringProblems(cfg.monitors, cfg.triggers, seen)) ctx.addIssue({ code: 'custom', ...problem });
    for (const problem of scheduleProblems(cfg.schedules, new Set(cfg.services.map((s) => s.name)))) ctx.addIssue({ code: 'custom', ...problem });
    cfg.schedules.forEach((s, i) => {
      // An evaluate: schedule joins the prediction log with its feedback: without the log it has nothing to read.
      if (s.evaluate !== undefined && cfg.logging.predictions.store === 'none') {
        ctx.addIssue({ code: 'custom', path: ['schedules', i, 'evaluate'], message: 'an evaluate: schedule reads the prediction log, which is off (logging.predictions.store: none)' });
      }
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type ModelEntry = z.output<typeof modelEntrySchema>;
export type SessionOptions = z.output<typeof sessionOptionsSchema>;
export type BatchingOptions = z.output<typeof batchingSchema>;
export type LimitsOptions = z.output<typeof limitsSchema>;
export type QueueConfig = z.output<typeof queueSchema>;
export type PredictionLogConfig = z.output<typeof predictionLogSchema>;
