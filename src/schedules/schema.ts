import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from '../evaluation/duration.js';

/**
 * `schedules:` in mlpatterns.yaml (docs/schedules.md): batch jobs, training
 * pipelines and stored evaluations run on a cron. The batch options are those of
 * `mlpatterns batch run`; a training job runs `mlpatterns train <pipeline>`
 * (docs/pipeline-builtins.md); an evaluation job is `mlpatterns eval run`.
 */

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export const scheduleBatchSchema = z
  .object({
    /** A service of this config predicts the rows. Exactly one of service and model. */
    service: z.string().min(1).optional(),
    /** A model file, package folder (relative to the config file) or registry ref predicts the rows. */
    model: z.string().min(1).optional(),
    /** `file.csv|.jsonl|.parquet` (relative to the config file), `postgres://…?table=T` or `sqlite:<path>?table=T`. */
    input: z.string().min(1),
    /** The column that keys each row. */
    key: z.string().min(1),
    /** `file.jsonl|.csv`, `sqlite:<path>?table=T` or `postgres://…?table=T`; left out in null mode. */
    output: z.string().min(1).optional(),
    /** Null mode: predict rows whose column is NULL, writing into it. */
    whereNull: z.string().min(1).optional(),
    /** Feature columns, in order. @default every column but the key */
    features: z.array(z.string().min(1)).min(1).optional(),
    /** Rows per shard. @default 1000 */
    shardSize: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((b) => (b.service === undefined) !== (b.model === undefined), { message: 'give exactly one of "service" and "model"', path: ['service'] })
  .refine((b) => b.output !== undefined || b.whereNull !== undefined, { message: 'give "output", or "whereNull" to write back into the input table', path: ['output'] });

export const scheduleTrainSchema = z
  .object({
    /** The pipeline.yaml to run (relative to the config file). */
    pipeline: z.string().min(1),
    /** Pipeline parameters, as `--param name=value`. @default the pipeline's defaults */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /**
     * `config`: the run uses this config's storage (state dir, metadata, artifacts), so it
     * registers into the registry the server follows; `pipeline`: the pipeline file's own `storage:`.
     * @default "config"
     */
    storage: z.enum(['config', 'pipeline']).default('config'),
    /** Stops (cancels) a run that takes longer, as a failed attempt. @default no limit */
    timeoutMs: z.number().int().min(1).optional(),
  })
  .strict();

/** A duration of continued evaluation ("30m", "1d", "2w"), checked as `eval run` checks it. */
const evaluationDuration = (name: string) =>
  z.string().superRefine((text, ctx) => {
    try {
      parseDuration(name, text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** `mlpatterns eval run` on a cron: the windows of the period computed and stored (docs/feedback-and-evaluation.md). */
export const scheduleEvaluateSchema = z
  .object({
    /** Only this model (a logged model name). @default every model in the prediction log */
    model: z.string().min(1).optional(),
    /** How far back from the tick predictions are read, rounded down to a window start. @default "7d" */
    since: evaluationDuration('since').default('7d'),
    /** Width of each window, aligned to UTC. @default "1d" */
    window: evaluationDuration('window').default('1d'),
  })
  .strict();

export const scheduleEntrySchema = z
  .object({
    name: z.string().regex(NAME, 'use letters, digits, ".", "_" and "-"'),
    /** Croner syntax: 5 fields (minute …) or 6 (second first), `@hourly`, … */
    cron: z.string().min(1),
    /** IANA time zone the cron is read in. @default "UTC" */
    timezone: z.string().min(1).default('UTC'),
    /** A batch job. Exactly one of `batch`, `train` and `evaluate`. */
    batch: scheduleBatchSchema.optional(),
    /** A training pipeline run in a child process (`mlpatterns train <pipeline> --json`). */
    train: scheduleTrainSchema.optional(),
    /** Continued evaluation computed and stored (`mlpatterns eval run`). */
    evaluate: scheduleEvaluateSchema.optional(),
    /** Extra attempts after a failed run of a tick. @default 2 */
    retries: z.number().int().min(0).max(20).default(2),
    /** Wait before the first retry; doubles each retry. @default 1000 */
    retryBackoffMs: z.number().int().min(0).default(1000),
    /** `false` keeps the schedule (and its history) without running it. @default true */
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if ([entry.batch, entry.train, entry.evaluate].filter((job) => job !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['batch'], message: 'give exactly one of "batch" (a batch job) and "train" (a training pipeline) and "evaluate" (a stored evaluation)' });
    }
    const problem = cronProblem(entry.cron, entry.timezone);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

export const schedulesSchema = z.array(scheduleEntrySchema).default([]);

export type ScheduleEntry = z.output<typeof scheduleEntrySchema>;
export type ScheduleBatch = z.output<typeof scheduleBatchSchema>;
export type ScheduleTrain = z.output<typeof scheduleTrainSchema>;
export type ScheduleEvaluate = z.output<typeof scheduleEvaluateSchema>;

/** Asks croner itself, so what passes here is exactly what the scheduler can run. */
function cronProblem(pattern: string, timezone: string): { field: 'cron' | 'timezone'; message: string } | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return { field: 'timezone', message: `unknown time zone "${timezone}" (use an IANA name such as "UTC" or "Europe/Berlin")` };
  }
  try {
    const cron = new Cron(pattern, { paused: true, timezone });
    const next = cron.nextRun();
    cron.stop();
    if (next === null) return { field: 'cron', message: `cron "${pattern}" never fires` };
    return undefined;
  } catch (err) {
    return { field: 'cron', message: `invalid cron "${pattern}": ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Names are unique, and a `service` target must be a service of the config. */
export function scheduleProblems(
  schedules: readonly ScheduleEntry[],
  serviceNames: ReadonlySet<string>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  schedules.forEach((s, i) => {
    if (seen.has(s.name)) problems.push({ path: ['schedules', i, 'name'], message: `duplicate schedule name "${s.name}"` });
    seen.add(s.name);
    if (s.batch?.service !== undefined && !serviceNames.has(s.batch.service)) {
      problems.push({ path: ['schedules', i, 'batch', 'service'], message: `unknown service "${s.batch.service}" (services: ${[...serviceNames].join(', ') || 'none'})` });
    }
  });
  return problems;
}
