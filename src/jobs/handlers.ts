import type { ServiceRepository } from '../services/service-repository.js';
import type { ModelRunner } from '../services/run-context.js';
import type { ModelRepository } from '../serving/model-repository.js';
import type { JobContext } from '../ports/job-queue.js';

/**
 * What a worker gives every job handler: the models and services it serves
 * (loaded once per worker process, like a server's).
 */
export interface WorkerDeps {
  readonly repository: ModelRepository;
  readonly services: ServiceRepository;
  /** Runs a served model for a graph (with the worker's metrics). */
  readonly runModel: ModelRunner;
}

/** Runs one attempt of one kind of job (`QueueJob.name`). */
export type NamedJobHandler = (ctx: JobContext, deps: WorkerDeps) => Promise<unknown>;

/**
 * The kinds of jobs a worker knows, by job name. Each feature registers its own
 * (the job API: "predict"; batch runs: "batch-shard") in its own module, and
 * `mlpatterns worker` dispatches on the name; an unknown name fails the job at
 * once (no retry can teach a worker a new kind).
 */
export const JOB_HANDLERS = new Map<string, NamedJobHandler>();

export function registerJobHandler(name: string, handler: NamedJobHandler): void {
  if (JOB_HANDLERS.has(name)) throw new Error(`job handler "${name}" registered twice`);
  JOB_HANDLERS.set(name, handler);
}
