import type { Logger } from 'pino';
import { openScheduleStore } from '../adapters/open-schedule-store.js';
import type { Config } from '../config/schema.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import { batchJob } from './batch-job.js';
import { evaluateJob } from './evaluate-job.js';
import { Scheduler, type RunScheduledJob, type ScheduleEvent } from './scheduler.js';
import { trainJob } from './train-job.js';
import path from 'node:path';

export interface StartSchedulesOptions {
  /** The config file, for schedules whose batch names a service. */
  readonly configPath?: string | undefined;
  readonly log?: Logger | undefined;
  /** The job of each tick. @default a batch run (batch-job.ts); for `train:` schedules a training run (train-job.ts), for `evaluate:` a stored evaluation (evaluate-job.ts) */
  readonly runJob?: RunScheduledJob;
  /** The CLI a `train:` schedule spawns (tests run it from source). @default this install's bin/mlpatterns.js */
  readonly trainCommand?: readonly string[];
  /** Also told every scheduler event (the CLI prints them). */
  readonly onEvent?: (event: ScheduleEvent) => void;
}

export interface RunningSchedules {
  readonly scheduler: Scheduler;
  readonly store: ScheduleStore;
  /** Stops the crons, aborts running jobs (recorded as failed) and closes the store. */
  close(): Promise<void>;
}

/** Where schedule runs are recorded: the metadata store (its default is `<stateDir>/mlpatterns.db`). */
export function scheduleStoreUrl(config: Config): string {
  return config.storage.metadata ?? path.join(config.storage.stateDir, 'mlpatterns.db');
}

/** Opens the schedule store and starts a scheduler on the config's schedules (`serve` and `schedules run`). */
export async function startSchedules(config: Config, options: StartSchedulesOptions = {}): Promise<RunningSchedules> {
  const store = await openScheduleStore(scheduleStoreUrl(config));
  const { log } = options;
  const scheduler = new Scheduler({
    schedules: config.schedules,
    store,
    runJob: options.runJob ?? defaultJob(config, options),
    onEvent: (event) => {
      options.onEvent?.(event);
      if (log) logEvent(log, event);
    },
  });
  scheduler.start();
  log?.info({ schedules: config.schedules.filter((s) => s.enabled).map((s) => s.name), owner: scheduler.owner }, 'schedules started');
  return {
    scheduler,
    store,
    close: async () => {
      await scheduler.stop();
      await store.close();
    },
  };
}

/** Each tick's job by its kind: a batch run or a stored evaluation in this process, a training run in a child process. */
function defaultJob(config: Config, options: StartSchedulesOptions): RunScheduledJob {
  const batch = batchJob({ configPath: options.configPath, stateDir: config.storage.stateDir });
  const train = trainJob({ storage: config.storage, configPath: options.configPath, command: options.trainCommand });
  const evaluate = evaluateJob({ predictionLog: config.logging.predictions, stateDir: config.storage.stateDir, metadataUrl: scheduleStoreUrl(config) });
  return (entry, context) => (entry.train !== undefined ? train(entry, context) : entry.evaluate !== undefined ? evaluate(entry, context) : batch(entry, context));
}

function logEvent(log: Logger, event: ScheduleEvent): void {
  switch (event.type) {
    case 'claimed':
      log.info({ schedule: event.run.schedule, scheduledAt: event.run.scheduledAt }, 'schedule run started');
      break;
    case 'skipped':
      log.warn({ schedule: event.run.schedule, scheduledAt: event.run.scheduledAt }, 'schedule tick skipped: the previous run is still running');
      break;
    case 'attempt-failed':
      log.warn({ schedule: event.run.schedule, attempt: event.attempt, err: event.error }, 'schedule run attempt failed');
      break;
    case 'finished':
      log[event.run.status === 'succeeded' ? 'info' : 'error'](
        { schedule: event.run.schedule, status: event.run.status, attempts: event.run.attempts, error: event.run.error, summary: event.run.summary },
        'schedule run finished',
      );
      break;
    case 'error':
      log.error({ schedule: event.schedule, err: event.error }, 'scheduler error');
      break;
    case 'taken':
      log.debug({ schedule: event.schedule, scheduledAt: event.scheduledAt }, 'schedule tick run by another scheduler');
      break;
  }
}
