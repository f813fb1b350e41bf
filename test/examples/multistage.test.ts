import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { model, multistage, service } from '../../src/services/builders.js';
import { metricValue, serveExample } from '../helpers/example.js';
import { expected } from '../helpers/fixtures.js';
import { getJson, postJson, startTestServer } from '../helpers/server.js';

/**
 * Issue 4's multistage pattern end to end: the fast model's answer comes back
 * at once with a job id; the slow graph's answer is read later from
 * GET /v1/jobs/{id}.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUM = path.join(HERE, '../fixtures/sum-model'); // features [-1,-1] -> row sums [-1]
const GATED = path.join(HERE, '../fixtures/gated-model'); // x [-1,1] -> 2x, waits on globalThis.__mlpGate
const FAILING = path.join(HERE, '../fixtures/failing-model'); // x [-1,1], always throws
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const g = globalThis as { __mlpGate?: Promise<void>; __mlpEntered?: () => void };

type Answer = { predictions: unknown[]; labels?: string[]; keys?: unknown[]; request_id: string; job_id?: string; code?: string };
type Job = {
  job_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  service: string;
  request_id?: string;
  created_at: string;
  finished_at?: string;
  result?: { predictions: unknown[]; labels?: string[]; keys?: unknown[] };
  error?: { code: string; message: string };
  code?: string;
};

/** Polls the job until it has finished, failing the test past the deadline. */
async function finishedJob(url: string, id: string, deadlineMs = 5000): Promise<Job> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const res = await getJson<Job>(`${url}/v1/jobs/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    if (Date.now() > until) throw new Error(`job ${id} still ${res.body.status} after ${deadlineMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('examples/multistage: logistic regression now, SVC + forest ensemble later', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveExample('examples/multistage/mlpatterns.yaml');
  });
  afterAll(async () => server?.close());

  it('answers with the fast model and a job id; the job ends with the ensemble’s answer and the keys', async () => {
    const instances = expected.inputs.slice(0, 20);
    const keys = instances.map((_, i) => `row-${i}`);
    const res = await postJson<Answer>(`${server.url}/v1/services/iris-two-stage/predict`, { instances, keys });
    expect(res.status).toBe(200);
    const fast = await postJson<Answer>(`${server.url}/v1/models/iris/predict`, { instances });
    expect(res.body.predictions).toEqual(fast.body.predictions);
    expect(res.body.labels).toEqual(fast.body.labels);
    expect(res.body.keys).toEqual(keys);
    expect(res.body.job_id).toMatch(UUID);

    const job = await finishedJob(server.url, res.body.job_id ?? '');
    const slow = await postJson<Answer>(`${server.url}/v1/services/iris-ensemble/predict`, { instances });
    expect(job).toMatchObject({ job_id: res.body.job_id, status: 'succeeded', service: 'iris-two-stage', request_id: res.body.request_id });
    expect(job.result?.predictions).toEqual(slow.body.predictions);
    expect(job.result?.keys).toEqual(keys);
    expect(Date.parse(job.finished_at ?? '')).toBeGreaterThanOrEqual(Date.parse(job.created_at));
    // Genuinely another answer: the mean of the SVC and the forest, not the regression.
    const want = (expected.iris_svc[0] ?? []).map((p, k) => (p + (expected.iris_rf[0]?.[k] ?? NaN)) / 2);
    (job.result?.predictions[0] as number[]).forEach((p, k) => expect(Math.abs(p - (want[k] ?? NaN))).toBeLessThan(1e-4));
    expect(job.result?.predictions[0]).not.toEqual(res.body.predictions[0]);

    const metrics = await request(`${server.url}/metrics`).then((r) => r.body.text());
    expect(metricValue(metrics, 'mlpatterns_jobs_total', { service: 'iris-two-stage', status: 'succeeded' })).toBe(1);
  });

  it('answers 404 JOB_NOT_FOUND for an unknown job', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await getJson<Job>(`${server.url}/v1/jobs/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('JOB_NOT_FOUND');
    }
  });

  it('refuses a malformed instance at the fast stage, before any job starts', async () => {
    const res = await postJson<Answer>(`${server.url}/v1/services/iris-two-stage/predict`, { instances: [[1, 2, 3]] });
    expect(res.status).toBe(400);
    expect(res.body.job_id).toBeUndefined();
  });
});

describe('multistage with a slow stage the test holds, fails or outlives', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: 'sum', path: SUM },
        { name: 'gated', path: GATED },
        { name: 'failing', path: FAILING },
      ],
      {
        services: [
          service('held', multistage(model('sum'), model('gated'))),
          service('broken', multistage(model('sum'), model('failing'))),
          service('late', multistage(model('sum'), model('gated'), { timeoutMs: 50 })),
        ],
      },
    );
  });
  afterAll(async () => server.close());
  afterEach(() => {
    delete g.__mlpGate;
    delete g.__mlpEntered;
  });
  const call = (name: string, body: unknown) => postJson<Answer>(`${server.url}/v1/services/${name}/predict`, body);

  it('the fast answer does not wait for the slow stage', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    const entered = new Promise<void>((resolve) => (g.__mlpEntered = resolve));
    try {
      const res = await call('held', { instances: [[1], [2]], keys: ['a', 7] });
      // The gate is still closed, so the slow model cannot have answered yet.
      expect(res.status).toBe(200);
      expect(res.body.predictions).toEqual([1, 2]);
      await entered; // …and it is running, on the same instances
      const meanwhile = await getJson<Job>(`${server.url}/v1/jobs/${res.body.job_id ?? ''}`);
      expect(meanwhile.body.status).toBe('running');
      expect(meanwhile.body.result).toBeUndefined();
      open();
      const job = await finishedJob(server.url, res.body.job_id ?? '');
      expect(job).toMatchObject({ status: 'succeeded', service: 'held', request_id: res.body.request_id, result: { predictions: [[2], [4]], keys: ['a', 7] } });
    } finally {
      open();
    }
  });

  it('a failing slow stage fails the job with its error code; the fast answer is unaffected', async () => {
    const res = await call('broken', { instances: [[3]] });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual([3]);
    const job = await finishedJob(server.url, res.body.job_id ?? '');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('INFERENCE_FAILED');
    expect(job.error?.message).toContain('downstream is down');
    expect(job.result).toBeUndefined();
  });

  it('a slow stage past timeoutMs fails the job with BRANCH_TIMEOUT', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await call('late', { instances: [[1]] });
      expect(res.status).toBe(200);
      const job = await finishedJob(server.url, res.body.job_id ?? '');
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('BRANCH_TIMEOUT');
      expect(job.error?.message).toContain('50 ms');
    } finally {
      open();
    }
  });
});
