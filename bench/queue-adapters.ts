import type { JobQueue } from '../src/ports/job-queue.js';
import type { QueueAdapterSpec } from './queue-protocol.js';

/** Wall-clock with sub-millisecond precision, comparable across processes. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** The adapter a spec names, as the project builds it (src/app/open-queue.ts does the same from a config). */
export async function openAdapter(spec: QueueAdapterSpec): Promise<JobQueue> {
  if (spec.kind === 'sqlite') {
    const { SqliteJobQueue } = await import('../src/adapters/sqlite/job-queue.js');
    return new SqliteJobQueue({ path: spec.path });
  }
  const { BullJobQueue } = await import('../src/adapters/redis/job-queue.js');
  return new BullJobQueue({ url: spec.url, prefix: spec.prefix });
}
