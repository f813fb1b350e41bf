import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { postJson, startTestServer } from '../helpers/server.js';

const GATED = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/gated-model');
const g = globalThis as { __mlpGate?: Promise<void>; __mlpEntered?: () => void };

/** Holds every run of the gated model until `open()`; `waitForRuns(n)` resolves once n runs started. */
function gate(): { open: () => void; waitForRuns: (n: number) => Promise<void> } {
  let open!: () => void;
  g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
  let runs = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  g.__mlpEntered = () => {
    runs++;
    for (const w of waiters.filter((x) => runs >= x.n)) w.resolve();
  };
  return {
    open,
    waitForRuns: (n) => (runs >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
  };
}

describe('load shedding and deadlines', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    delete g.__mlpGate;
    delete g.__mlpEntered;
    await server?.close();
    server = undefined;
  });

  it('refuses requests beyond max in-flight at once with 503 OVERLOADED and Retry-After', async () => {
    const { open, waitForRuns } = gate();
    server = await startTestServer([{ name: 'gated', path: GATED, batching: { maxBatchSize: 1 }, limits: { maxInFlight: 2, retryAfterSeconds: 2 } }]);
    const url = `${server.url}/v1/models/gated/predict`;
    const held = [postJson(url, { instances: [[1]] }), postJson(url, { instances: [[2]] })];
    await waitForRuns(2);
    const refused = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"instances":[[3]]}' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(((await refused.body.json()) as { code: string }).code).toBe('OVERLOADED');
    open();
    const answers = await Promise.all(held);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    // Capacity is back once the held requests are answered.
    expect((await postJson(url, { instances: [[4]] })).status).toBe(200);
    const metrics = await (await request(`${server.url}/metrics`)).body.text();
    expect(metrics).toMatch(/mlpatterns_rejected_total\{model="gated",reason="in_flight"\} 1/);
    expect(metrics).toMatch(/mlpatterns_requests_total\{model="gated",version="1",protocol="v1",status="503"\} 1/);
  });

  it('answers 504 DEADLINE_EXCEEDED for a request still queued at its deadline, and serves the rest', async () => {
    const { open, waitForRuns } = gate();
    server = await startTestServer([
      { name: 'gated', path: GATED, batching: { maxBatchSize: 8, maxQueueDelayUs: 0, maxConcurrentBatches: 1 }, limits: { timeoutMs: 100 } },
    ]);
    const url = `${server.url}/v1/models/gated/predict`;
    const first = postJson(url, { instances: [[1]] });
    await waitForRuns(1); // the only execution slot is now held
    const queued = await postJson<{ code: string }>(url, { instances: [[2]] });
    expect(queued.status).toBe(504);
    expect(queued.body.code).toBe('DEADLINE_EXCEEDED');
    open();
    expect((await first).status).toBe(200);
  });

  it('refuses at once when the batch queue is full', async () => {
    const { open, waitForRuns } = gate();
    server = await startTestServer([{ name: 'gated', path: GATED, batching: { maxBatchSize: 4, maxQueueDelayUs: 0, maxQueueRows: 3 } }]);
    const url = `${server.url}/v1/models/gated/predict`;
    const running = postJson(url, { instances: [[1]] });
    await waitForRuns(1);
    const queued = postJson(url, { instances: [[2], [3], [4]] }); // fills the queue (3 rows)
    const refused = await postJson<{ code: string }>(url, { instances: [[5]] });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('OVERLOADED');
    open();
    expect((await running).status).toBe(200);
    const answer = await queued;
    expect(answer.status).toBe(200);
    expect((answer.body as { predictions: number[][] }).predictions).toEqual([[4], [6], [8]]);
  });

  it('merges concurrent requests into fewer executions and reports it', async () => {
    const { open, waitForRuns } = gate();
    server = await startTestServer([{ name: 'gated', path: GATED, batching: { maxBatchSize: 64, maxQueueDelayUs: 0 } }]);
    const url = `${server.url}/v1/models/gated/predict`;
    const first = postJson(url, { instances: [[0]] });
    await waitForRuns(1);
    const rest = Array.from({ length: 20 }, (_, i) => postJson<{ predictions: number[][] }>(url, { instances: [[i + 1]], keys: [`k${i}`] }));
    // Every queued request must have arrived before the executor frees up.
    while ((server.repository.get('gated').inFlight ?? 0) < 21) await new Promise<void>((r) => setImmediate(r));
    open();
    await first;
    const answers = await Promise.all(rest);
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.body.predictions).toEqual([[(i + 1) * 2]]);
      expect((a.body as unknown as { keys: string[] }).keys).toEqual([`k${i}`]);
    });
    const metrics = await (await request(`${server.url}/metrics`)).body.text();
    const executions = Number(/mlpatterns_executions_total\{model="gated",version="1"\} (\d+)/.exec(metrics)?.[1]);
    expect(executions).toBe(2); // the held one, then the 20 queued ones merged into one batch
    expect(metrics).toMatch(/mlpatterns_batch_size_bucket\{le="32",model="gated"\} 2/);
    expect(metrics).toMatch(/mlpatterns_queue_duration_seconds_count\{model="gated"\} 21/);
  });
});
