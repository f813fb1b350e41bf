import type { JobQueue } from '../ports/job-queue.js';

/** What the job API's routes need: where to submit jobs and with which retry policy. */
export interface JobApiOptions {
  readonly queue: JobQueue;
  /** The queue jobs go to (the one workers take from). */
  readonly queueName: string;
  readonly maxAttempts: number;
  readonly backoffMs: number;
}
