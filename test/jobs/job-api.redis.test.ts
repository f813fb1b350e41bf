import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { deleteKeys, requireRedis, TEST_REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.js';
import { postJson } from '../helpers/server.js';
import { deleteJson, finished, startJobServer, tempDir, waitForJob, type JobBody } from './helpers.js';

/** The same job API with `queue: {store: redis}`: BullMQ behind the routes and the inline worker. */
const redis = await requireRedis('jobs.redis');
const prefix = uniqueKeyPrefix('mlp_test_jobs').replace(/:$/, '');

describe.skipIf(!redis.available)(`job API on BullMQ ${redis.reason}`, () => {
  const temp = tempDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startJobServer(temp.dir, { inline: true, queue: { store: 'redis', url: TEST_REDIS_URL, prefix } });
  });
  afterAll(async () => {
    await server.close();
    await deleteKeys([`${prefix}:`]);
    temp.remove();
  });
  const submit = (name: string, body: unknown) => postJson<JobBody>(`${server.url}/v1/services/${name}/jobs`, body);

  it('runs a job to the synchronous answer; a repeated key names the same job; a finished job cannot be cancelled', async () => {
    const res = await submit('sums', { instances: [[1, 2]], key: 'k-1' });
    expect(res.status).toBe(202);
    const job = await waitForJob(server.url, res.body.job_id, finished, 10_000);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, key: 'k-1', result: { predictions: [3], service: 'sums' } });
    expect(await submit('sums', { instances: [[9]], key: 'k-1' })).toMatchObject({ status: 200, body: { job_id: res.body.job_id, result: { predictions: [3] } } });
    expect(await deleteJson(`${server.url}/v1/jobs/${res.body.job_id}`)).toMatchObject({ status: 409, body: { code: 'JOB_FINISHED' } });
  });

  it('retries a failing model, then fails it with attempts = max_attempts', async () => {
    const res = await submit('broken', { instances: [[1]] });
    const job = await waitForJob(server.url, res.body.job_id, finished, 10_000);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, max_attempts: 3, error: { code: 'INFERENCE_FAILED' } });
  });
});
