import { afterAll, describe } from 'vitest';
import { BullJobQueue } from '../../src/adapters/redis/job-queue.js';
import type { BullQueueWorker } from '../../src/adapters/redis/job-queue-worker.js';
import type { QueueWorker } from '../../src/ports/job-queue.js';
import { TEST_REDIS_URL, deleteKeys, requireRedis, uniqueKeyPrefix } from '../helpers/redis.js';
import { jobQueueContract } from './job-queue.contract.js';

const redis = await requireRedis('job-queue.bullmq');
/** One prefix for the whole contract: every factory call is another "process" on the same Redis keys. */
const prefix = uniqueKeyPrefix('mlp_test_bullq').replace(/:$/, '');

afterAll(async () => {
  if (redis.available) await deleteKeys([`${prefix}:`]);
});

describe.skipIf(!redis.available)(`BullMQ on Redis ${redis.reason}`, () => {
  jobQueueContract('bullmq', async (options) => {
    const queue = new BullJobQueue({ url: TEST_REDIS_URL, prefix, cancelPollMs: 50, ...options });
    return {
      queue,
      cleanup: () => queue.close(),
      crashWorker: (worker: QueueWorker) => (worker as BullQueueWorker).abandon(),
    };
  });
});
