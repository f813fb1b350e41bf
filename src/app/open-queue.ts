import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { EnqueueOptions, JobHandler, JobQueue, QueueWorker, WorkOptions } from '../ports/job-queue.js';

/** Where the SQLite queue lives: `queue.path`, else `<storage.stateDir>/queue.sqlite`. */
export function sqliteQueuePath(config: Pick<Config, 'queue' | 'storage'>): string {
  return config.queue.path ?? path.join(config.storage.stateDir, 'queue.sqlite');
}

/**
 * Opens the configured queue adapter. Only the chosen adapter's module is loaded
 * (a SQLite-queue deployment never loads BullMQ).
 */
export async function openQueue(config: Pick<Config, 'queue' | 'storage'>): Promise<JobQueue> {
  const { store, url, prefix, retentionMs } = config.queue;
  if (store === 'redis') {
    const { BullJobQueue } = await import('../adapters/redis/job-queue.js');
    return new BullJobQueue({ url, retentionMs, ...(prefix !== undefined ? { prefix } : {}) });
  }
  const { SqliteJobQueue } = await import('../adapters/sqlite/job-queue.js');
  return new SqliteJobQueue({ path: sqliteQueuePath(config), retentionMs });
}

/**
 * The configured queue, opened on first use: a server whose clients never
 * submit a job creates no queue file and opens no Redis connection.
 */
export function lazyQueue(config: Pick<Config, 'queue' | 'storage'>): JobQueue & { readonly opened: boolean } {
  let opening: Promise<JobQueue> | undefined;
  let closed = false;
  const queue = (): Promise<JobQueue> => (opening ??= openQueue(config));
  return {
    get opened() {
      return opening !== undefined;
    },
    enqueue: async (name: string, kind: string, payload: unknown, options?: EnqueueOptions) => (await queue()).enqueue(name, kind, payload, options),
    get: async (id: string) => (await queue()).get(id),
    cancel: async (id: string) => (await queue()).cancel(id),
    counts: async (name: string) => (await queue()).counts(name),
    work: (name: string, handler: JobHandler, options?: WorkOptions): QueueWorker => deferredWorker(queue(), name, handler, options),
    close: async () => {
      if (closed || opening === undefined) return;
      closed = true;
      await (await opening).close();
    },
  };
}

/** A worker started once the queue has opened; `close` works at any point. */
function deferredWorker(opened: Promise<JobQueue>, name: string, handler: JobHandler, options?: WorkOptions): QueueWorker {
  const worker = opened.then((q) => q.work(name, handler, options));
  return { close: async (graceMs?: number) => (await worker).close(graceMs) };
}
