import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ServerMetrics } from '../http/metrics.js';
import type { JobApiOptions } from '../jobs/job-api-options.js';
import { DEFAULT_JOB_QUEUE, startJobWorker, type JobWorker } from '../jobs/job-worker.js';
import type { ModelRepository } from '../serving/model-repository.js';
import { leaseRunner } from '../services/model-runner.js';
import type { ServiceRepository } from '../services/service-repository.js';
import { lazyQueue, openQueue } from './open-queue.js';

export interface ServerJobs {
  /** What the job routes submit to. */
  readonly api: JobApiOptions;
  /** The inline worker (`serve --workers-inline`), if any. */
  readonly worker?: JobWorker;
  /** Stops the inline worker (finishing or handing back its jobs within `graceMs`), then closes the queue. */
  close(graceMs: number): Promise<void>;
}

export interface ServerJobsDeps {
  readonly repository: ModelRepository;
  readonly services: ServiceRepository;
  readonly metrics?: ServerMetrics;
  readonly log?: Logger | undefined;
  /** Run a worker in this process. */
  readonly inline: boolean;
}

/**
 * The job API's side of a server. Without an inline worker the queue opens on
 * first use (a server nobody submits jobs to creates no queue file and opens
 * no Redis connection); with one it opens now, so a bad queue fails start-up.
 */
export async function startServerJobs(config: Config, deps: ServerJobsDeps): Promise<ServerJobs> {
  const { queue: settings } = config;
  const queue = deps.inline ? await openQueue(config) : lazyQueue(config);
  const api: JobApiOptions = { queue, queueName: DEFAULT_JOB_QUEUE, maxAttempts: settings.maxAttempts, backoffMs: settings.backoffMs };
  const worker = deps.inline
    ? startJobWorker({
        queue,
        deps: { repository: deps.repository, services: deps.services, runModel: leaseRunner(deps.repository) },
        concurrency: settings.concurrency,
        leaseMs: settings.leaseMs,
        jobTimeoutMs: settings.jobTimeoutMs,
        log: deps.log,
        onEvent: (event) => deps.metrics?.queueJobs.inc({ name: event.job.name, status: event.type }),
      })
    : undefined;
  return {
    api,
    ...(worker ? { worker } : {}),
    close: async (graceMs) => {
      await worker?.close(graceMs);
      await queue.close();
    },
  };
}
