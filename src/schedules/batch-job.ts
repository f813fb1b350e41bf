import { runBatch, type BatchOptions, type BatchSummary } from '../batch/run-batch.js';
import type { RunScheduledJob } from './scheduler.js';
import type { ScheduleEntry } from './schema.js';

export interface BatchJobSettings {
  /** The config file, for `batch.service` targets (the batch loads its services and models). */
  readonly configPath?: string | undefined;
  /** The state directory (batch runs table and embedded queue). */
  readonly stateDir: string;
  /** The batch runner; injected by tests. @default runBatch */
  readonly run?: typeof runBatch;
}

/**
 * A schedule's job: one `mlpatterns batch run` with the schedule's options.
 * The run id names the tick, so a retry of the tick resumes its own run (keys
 * already written are not predicted again) while the next tick starts afresh.
 */
export function batchJob(settings: BatchJobSettings): RunScheduledJob {
  const run = settings.run ?? runBatch;
  return async (entry, context) => {
    const summary = await run(batchOptions(entry, context.scheduledAt, settings), { signal: context.signal });
    if (summary.status === 'failed') throw new Error(failureMessage(summary));
    return { ...summary };
  };
}

export function batchOptions(entry: ScheduleEntry, scheduledAt: Date, settings: BatchJobSettings): BatchOptions {
  const { batch } = entry;
  if (batch === undefined) throw new Error(`schedule "${entry.name}" has no batch job`);
  return {
    target: batch.service !== undefined ? { service: batch.service } : { model: batch.model ?? '' },
    input: batch.input,
    key: batch.key,
    ...(batch.output !== undefined ? { output: batch.output } : {}),
    ...(batch.whereNull !== undefined ? { whereNull: batch.whereNull } : {}),
    ...(batch.features !== undefined ? { features: batch.features } : {}),
    ...(batch.shardSize !== undefined ? { shardSize: batch.shardSize } : {}),
    runId: tickRunId(entry.name, scheduledAt),
    ...(settings.configPath !== undefined ? { config: settings.configPath } : {}),
    stateDir: settings.stateDir,
  };
}

/** `nightly-20260304T020000Z`: letters, digits and "-" only, whatever the schedule's name. */
export function tickRunId(schedule: string, scheduledAt: Date): string {
  const stamp = scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `schedule-${schedule.replace(/[^A-Za-z0-9-]/g, '-')}-${stamp}`;
}

function failureMessage(summary: BatchSummary): string {
  return `batch run ${summary.runId} failed: ${summary.failedRows} rows in failed shards, ${summary.malformedRows} malformed (see ${summary.errorFile})`;
}
