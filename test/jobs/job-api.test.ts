import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { metricValue } from '../helpers/example.js';
import { getJson, postJson } from '../helpers/server.js';
import { deleteJson, finished, g, startJobServer, tempDir, waitForJob, type JobBody } from './helpers.js';

/**
 * The job API on a real server whose inline worker (`serve --workers-inline`)
 * takes jobs from a SQLite queue file: submit, poll, idempotent keys, bad
 * input refused before anything is queued, retries, dead-letter state.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('job API with an inline worker', () => {
  const temp = tempDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startJobServer(temp.dir, { inline: true });
  });
  afterAll(async () => {
    await server.close();
    temp.remove();
  });
  afterEach(() => {
    delete g.__mlpGate;
    delete g.__mlpEntered;
  });
  const submit = (name: string, body: unknown) => postJson<JobBody>(`${server.url}/v1/services/${name}/jobs`, body);
  const queued = async () => server.jobs.api.queue.counts('default');

  it('answers 202 with a job id and a Location; the job succeeds with what a synchronous predict answers', async () => {
    const body = { instances: [[1, 2], [3, 4.5]], keys: ['a', 7] };
    const res = await submit('sums', body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ job_id: res.body.job_id, status: 'queued' });
    expect(res.body.job_id).toMatch(UUID);
    expect(res.headers.location).toBe(`/v1/jobs/${res.body.job_id}`);

    const job = await waitForJob(server.url, res.body.job_id, finished);
    const sync = await postJson(`${server.url}/v1/services/sums/predict`, body);
    expect(job).toMatchObject({ job_id: res.body.job_id, status: 'succeeded', service: 'sums', attempts: 1, max_attempts: 3 });
    const { request_id: jobRequestId, ...jobAnswer } = job.result ?? {};
    const { request_id: syncRequestId, ...syncAnswer } = sync.body;
    expect(jobAnswer).toEqual(syncAnswer);
    expect(jobAnswer).toMatchObject({ predictions: [3, 7.5], keys: ['a', 7], service: 'sums' });
    // The result carries the submitting request's id, as the job does.
    expect(jobRequestId).toBe(job.request_id);
    expect(syncRequestId).not.toBe(jobRequestId);
    const [created, started, ended] = [job.created_at, job.started_at ?? '', job.finished_at ?? ''].map(Date.parse);
    expect(created).toBeLessThanOrEqual(started ?? NaN);
    expect(started).toBeLessThanOrEqual(ended ?? NaN);
  });

  it('a second submission with the same key answers 200 with the same job; keys are per service', async () => {
    const first = await submit('sums', { instances: [[1]], key: 'order-17' });
    expect(first.status).toBe(202);
    const again = await submit('sums', { instances: [[1]], key: 'order-17' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ job_id: first.body.job_id, key: 'order-17', service: 'sums' });
    expect(again.headers.location).toBe(`/v1/jobs/${first.body.job_id}`);
    // Still the same job once it has finished: the key's result is visible once.
    await waitForJob(server.url, first.body.job_id, finished);
    const later = await submit('sums', { instances: [[2]], key: 'order-17' });
    expect(later).toMatchObject({ status: 200, body: { job_id: first.body.job_id, status: 'succeeded', result: { predictions: [1] } } });
    const otherService = await submit('counted', { instances: [[1]], key: 'order-17' });
    expect(otherService.status).toBe(202);
    expect(otherService.body.job_id).not.toBe(first.body.job_id);
  });

  it('unknown services and jobs are 404', async () => {
    expect(await submit('nope', { instances: [[1]] })).toMatchObject({ status: 404, body: { code: 'SERVICE_NOT_FOUND' } });
    const missing = '0b9f3c1e-4d7a-4c2b-9e8f-1a2b3c4d5e6f';
    expect(await getJson(`${server.url}/v1/jobs/${missing}`)).toMatchObject({ status: 404, body: { code: 'JOB_NOT_FOUND' } });
    expect(await deleteJson(`${server.url}/v1/jobs/${missing}`)).toMatchObject({ status: 404, body: { code: 'JOB_NOT_FOUND' } });
    expect(await getJson(`${server.url}/v1/jobs/${missing}/events`)).toMatchObject({ status: 404, body: { code: 'JOB_NOT_FOUND' } });
  });

  it('refuses a bad body with the predict codes (400) and queues nothing', async () => {
    const before = await queued();
    const cases: [unknown, string][] = [
      [{ inputs: 1 }, 'INVALID_REQUEST'],
      [{}, 'MISSING_FIELD'],
      [{ instances: [] }, 'EMPTY_BATCH'],
      [{ instances: [[1]], keys: ['a', 'b'] }, 'KEYS_LENGTH_MISMATCH'],
      [{ instances: [[1]], key: 42 }, 'INVALID_REQUEST'],
      [{ instances: [[1]], key: '' }, 'INVALID_REQUEST'],
      [{ instances: [[1]], callback_url: 'ftp://example.com/x' }, 'INVALID_REQUEST'],
      [{ instances: [[1]], callback_url: 'not a url' }, 'INVALID_REQUEST'],
      [[1, 2], 'INVALID_REQUEST'],
    ];
    for (const [body, code] of cases) {
      const res = await submit('sums', body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code });
    }
    expect(await queued()).toEqual(before);
  });

  it('retries a failing model with backoff, then fails it for good with attempts = max_attempts and the error code', async () => {
    const res = await submit('broken', { instances: [[1]] });
    const job = await waitForJob(server.url, res.body.job_id, finished);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, max_attempts: 3, error: { code: 'INFERENCE_FAILED' } });
    expect(job.error?.message).toContain('downstream is down');
    expect(job.result).toBeUndefined();
  });

  it('counts the inline worker\'s attempts in mlpatterns_queue_jobs_total', async () => {
    const metrics = async () => (await request(`${server.url}/metrics`)).body.text();
    const count = async (status: string) => metricValue(await metrics(), 'mlpatterns_queue_jobs_total', { name: 'predict', status });
    const [started, retrying, failed] = [await count('started'), await count('retrying'), await count('failed')];
    const res = await submit('broken', { instances: [[1]] });
    await waitForJob(server.url, res.body.job_id, finished);
    // Three attempts: two retried, the last one failed for good.
    expect(await count('started')).toBe(started + 3);
    expect(await count('retrying')).toBe(retrying + 2);
    expect(await count('failed')).toBe(failed + 1);
  });

  it('does not retry input the model refuses (a client error): one attempt, the 4xx code', async () => {
    const res = await submit('held', { instances: [[1, 2]] }); // gated takes one feature per row
    const job = await waitForJob(server.url, res.body.job_id, finished);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INVALID_SHAPE' } });
  });

  it('a finished job cannot be cancelled (409 JOB_FINISHED) and stays as it was', async () => {
    const res = await submit('sums', { instances: [[5]] });
    await waitForJob(server.url, res.body.job_id, finished);
    expect(await deleteJson(`${server.url}/v1/jobs/${res.body.job_id}`)).toMatchObject({ status: 409, body: { code: 'JOB_FINISHED' } });
    expect((await getJson<JobBody>(`${server.url}/v1/jobs/${res.body.job_id}`)).body).toMatchObject({ status: 'succeeded', result: { predictions: [5] } });
  });

  it('cancelling a running job aborts it: cancelled at once, its late result dropped', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    const entered = new Promise<void>((resolve) => (g.__mlpEntered = resolve));
    try {
      const res = await submit('held', { instances: [[1]] });
      await entered;
      const cancelled = await deleteJson(`${server.url}/v1/jobs/${res.body.job_id}`);
      expect(cancelled).toMatchObject({ status: 200, body: { job_id: res.body.job_id, status: 'cancelled' } });
      open();
      // A later job on the same worker finishing proves the held one's outcome has been handled.
      const next = await submit('sums', { instances: [[1]] });
      await waitForJob(server.url, next.body.job_id, finished);
      const job = (await getJson<JobBody>(`${server.url}/v1/jobs/${res.body.job_id}`)).body;
      expect(job.status).toBe('cancelled');
      expect(job.result).toBeUndefined();
    } finally {
      open();
    }
  });
});
