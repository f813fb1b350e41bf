import { openEvaluationStore } from '../adapters/open-evaluation-store.js';
import type { PredictionLogConfig } from '../config/schema.js';
import { parseDuration } from '../evaluation/duration.js';
import { evaluateAndStore } from '../evaluation/store-evaluation.js';
import { openEventLog } from '../predlog/open-event-log.js';
import { FinalJobError, type RunScheduledJob } from './scheduler.js';

export interface EvaluateJobSettings {
  /** The config's `logging.predictions`: the log whose predictions and feedback are joined. */
  readonly predictionLog: PredictionLogConfig;
  readonly stateDir: string;
  /** Where the windows are stored: the metadata store. */
  readonly metadataUrl: string;
}

/**
 * A schedule's evaluation job: `mlpatterns eval run` in the scheduler's process.
 * The period ends at the tick's cron time (not when the job got to run), so
 * every attempt of a tick, on any scheduler, computes the same windows; the
 * window in progress is completed by later ticks, and late feedback revises
 * past windows whenever a tick's period still covers them.
 */
export function evaluateJob(settings: EvaluateJobSettings): RunScheduledJob {
  return async (entry, context) => {
    const spec = entry.evaluate;
    if (spec === undefined) throw new FinalJobError(`schedule "${entry.name}" has no evaluate job`);
    const log = openEventLog(settings.predictionLog, settings.stateDir);
    if (log === undefined) throw new FinalJobError('the prediction log is off (logging.predictions.store: none): there is nothing to evaluate');
    try {
      const store = await openEvaluationStore(settings.metadataUrl);
      try {
        const run = await evaluateAndStore(log, store, {
          model: spec.model,
          sinceMs: parseDuration('since', spec.since),
          windowMs: parseDuration('window', spec.window),
          until: context.scheduledAt,
        });
        const versions = [...new Set(run.evaluations.map((e) => `${e.model}:${e.version}`))];
        return { since: run.since, until: run.until, windows: run.evaluations.length, versions, ...run.saved };
      } finally {
        await store.close();
      }
    } finally {
      await log.close();
    }
  };
}
