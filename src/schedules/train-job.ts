import path from 'node:path';
import { FinalJobError, type RunScheduledJob } from './scheduler.js';
import type { ScheduleEntry } from './schema.js';
import { runTrainProcess, type TrainProcessResult, type TrainStorage } from './train-process.js';

export interface TrainJobSettings {
  /** The config's storage: a `train:` schedule with `storage: config` (the default) runs against it. */
  readonly storage: TrainStorage;
  /** The config file: the child runs in its folder. */
  readonly configPath?: string | undefined;
  /** The CLI to spawn (tests run it from source). @default DEFAULT_TRAIN_COMMAND */
  readonly command?: readonly string[] | undefined;
}

/**
 * A schedule's training job: one `mlpatterns train <pipeline> --json` in a
 * child process. A failed run is a failed attempt (the schedule's retries run
 * it again; its succeeded steps come from the cache). A run the gate rejected,
 * or a pipeline file that does not load, fails the tick at once: another
 * attempt would decide the same.
 */
export function trainJob(settings: TrainJobSettings): RunScheduledJob {
  return async (entry, context) => {
    const { train } = entry;
    if (train === undefined) throw new FinalJobError(`schedule "${entry.name}" has no train job`);
    const result = await runTrainProcess({
      pipeline: train.pipeline,
      ...(train.params !== undefined ? { params: train.params } : {}),
      storage: train.storage === 'config' ? settings.storage : undefined,
      cwd: settings.configPath !== undefined ? path.dirname(path.resolve(settings.configPath)) : undefined,
      env: { MLPATTERNS_SCHEDULE: entry.name, MLPATTERNS_SCHEDULED_AT: context.scheduledAt.toISOString() },
      signal: context.signal,
      timeoutMs: train.timeoutMs,
      command: settings.command,
    });
    if (result.status === 'succeeded') return summaryOf(result);
    const message = failureMessage(entry, result);
    // Exit 2: the pipeline file (or a --param) is wrong, which no retry fixes.
    if (result.status === 'rejected' || result.exitCode === 2) throw new FinalJobError(message);
    throw new Error(message);
  };
}

function summaryOf(result: TrainProcessResult): Record<string, unknown> {
  return { runId: result.runId, status: result.status, steps: result.steps, metrics: result.metrics };
}

function failureMessage(entry: ScheduleEntry, result: TrainProcessResult): string {
  const pipeline = entry.train?.pipeline ?? '';
  if (result.runId === null) return `training ${pipeline} did not run (exit code ${result.exitCode}): ${result.error ?? 'no summary'}`;
  const what = result.status === 'rejected' ? 'was rejected by its gate' : result.status;
  return `training run ${result.runId} of ${pipeline} ${what}: ${result.error ?? `exit code ${result.exitCode}`} (see mlpatterns train show ${result.runId})`;
}
