import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { startJobWorker, type JobWorker } from '../../src/jobs/job-worker.js';
import { leaseRunner } from '../../src/services/model-runner.js';
import { getJson, postJson } from '../helpers/server.js';
import { deleteJson, finished, g, startJobServer, tempDir, waitForJob, type JobBody } from './helpers.js';

/**
 * A server with no worker of its own: jobs wait in the queue until the test
 * starts a worker on it (in this process, so the gated model's gate works).
 * Covers cancelling queued jobs, the SSE stream and webhooks.
 */
describe('jobs that wait for a worker', () => {
  const temp = tempDir();
  let server: RunningServer;
  let worker: JobWorker | undefined;
  beforeAll(async () => {
    server = await startJobServer(temp.dir, { inline: false });
  });
  afterEach(async () => {
    await worker?.close(1000);
    worker = undefined;
    delete g.__mlpGate;
    delete g.__mlpEntered;
  });
  afterAll(async () => {
    await server.close();
    temp.remove();
  });
  const submit = (name: string, body: unknown) => postJson<JobBody>(`${server.url}/v1/services/${name}/jobs`, body);
  const startWorker = (callback?: { backoffMs: number }) => {
    worker = startJobWorker({
      queue: server.jobs.api.queue,
      deps: { repository: server.repository, services: server.services, runModel: leaseRunner(server.repository) },
      ...(callback ? { callback } : {}),
    });
  };

  it('without a worker a job stays queued; cancelling it makes it cancelled and it never runs', async () => {
    g.__mlpRows = 0;
    const res = await submit('counted', { instances: [[1], [2]] });
    expect((await getJson<JobBody>(`${server.url}/v1/jobs/${res.body.job_id}`)).body).toMatchObject({ status: 'queued', attempts: 0 });
    const cancelled = await deleteJson(`${server.url}/v1/jobs/${res.body.job_id}`);
    expect(cancelled).toMatchObject({ status: 200, body: { job_id: res.body.job_id, status: 'cancelled', attempts: 0 } });
    expect(cancelled.body.finished_at).toBeDefined();
    // Cancelling again changes nothing and is not an error.
    expect(await deleteJson(`${server.url}/v1/jobs/${res.body.job_id}`)).toMatchObject({ status: 200, body: { status: 'cancelled' } });

    startWorker();
    const after = await submit('counted', { instances: [[5]] });
    expect((await waitForJob(server.url, after.body.job_id, finished)).status).toBe('succeeded');
    // Only the later job's one row was computed: the cancelled job never ran.
    expect(g.__mlpRows).toBe(1);
    const job = (await getJson<JobBody>(`${server.url}/v1/jobs/${res.body.job_id}`)).body;
    expect(job).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(job.started_at).toBeUndefined();
  });

  it('streams queued → running → succeeded as Server-Sent Events, then ends', async () => {
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    try {
      const res = await submit('held', { instances: [[3]] });
      const stream = await request(`${server.url}/v1/jobs/${res.body.job_id}/events`);
      expect(stream.statusCode).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = readEvents(stream.body);

      expect(await events.next()).toMatchObject({ event: 'status', data: { job_id: res.body.job_id, status: 'queued' } });
      startWorker();
      expect(await events.next()).toMatchObject({ event: 'status', data: { status: 'running', attempts: 1 } });
      open();
      expect(await events.next()).toMatchObject({ event: 'status', data: { status: 'succeeded', result: { predictions: [[6]] } } });
      expect(await events.next()).toBeUndefined(); // the server ended the stream
    } finally {
      open();
    }
  });

  it('a stream of a finished job sends its final state once and ends', async () => {
    startWorker();
    const res = await submit('sums', { instances: [[1, 1]] });
    await waitForJob(server.url, res.body.job_id, finished);
    const stream = await request(`${server.url}/v1/jobs/${res.body.job_id}/events`);
    const events = readEvents(stream.body);
    expect(await events.next()).toMatchObject({ data: { status: 'succeeded', result: { predictions: [2] } } });
    expect(await events.next()).toBeUndefined();
  });

  it('POSTs the finished job to its callback_url, retrying after a 500', async () => {
    const hook = await startHookServer([500, 200]);
    try {
      startWorker({ backoffMs: 20 });
      const res = await submit('sums', { instances: [[2, 3]], keys: ['k'], callback_url: `${hook.url}/done?x=1` });
      const deliveries = await hook.received(2);
      const job = await waitForJob(server.url, res.body.job_id, finished);
      for (const delivery of deliveries) {
        expect(delivery.url).toBe('/done?x=1');
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(delivery.headers['x-mlpatterns-job-id']).toBe(res.body.job_id);
        expect(delivery.body).toEqual(job);
      }
      expect(job).toMatchObject({ status: 'succeeded', result: { predictions: [5], keys: ['k'] }, callback_url: `${hook.url}/done?x=1` });
    } finally {
      await hook.close();
    }
  });

  it('a callback that keeps failing changes nothing about the job', async () => {
    const hook = await startHookServer([500, 500, 500]);
    try {
      // Three tries, quick: the worker gives up after the third.
      worker = startJobWorker({
        queue: server.jobs.api.queue,
        deps: { repository: server.repository, services: server.services, runModel: leaseRunner(server.repository) },
        callback: { attempts: 3, backoffMs: 10 },
      });
      const res = await submit('sums', { instances: [[4]], callback_url: hook.url });
      expect(await hook.received(3)).toHaveLength(3);
      expect(await waitForJob(server.url, res.body.job_id, finished)).toMatchObject({ status: 'succeeded', result: { predictions: [4] } });
    } finally {
      await hook.close();
    }
  });
});

describe('event streams and shutdown', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('a server shutting down ends its open streams instead of waiting for their jobs', async () => {
    const server = await startJobServer(temp.dir, { inline: false });
    let closed = false;
    try {
      const res = await postJson<JobBody>(`${server.url}/v1/services/sums/jobs`, { instances: [[1]] });
      const stream = await request(`${server.url}/v1/jobs/${res.body.job_id}/events`);
      const events = readEvents(stream.body);
      expect(await events.next()).toMatchObject({ data: { status: 'queued' } });
      const closing = server.close().then(() => (closed = true));
      expect(await events.next()).toBeUndefined(); // ended, the job still queued
      await closing;
    } finally {
      if (!closed) await server.close();
    }
  });
});

interface SseEvent {
  event?: string;
  data: Record<string, unknown>;
}

/** Parses an SSE body into events (heartbeat comments skipped); `next` is undefined once the stream ends. */
function readEvents(body: AsyncIterable<Buffer>): { next: () => Promise<SseEvent | undefined> } {
  const iterator = body[Symbol.asyncIterator]();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n').filter((line) => !line.startsWith(':'));
          if (lines.length === 0) continue;
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          return { ...(event !== undefined ? { event } : {}), data: JSON.parse(data) as Record<string, unknown> };
        }
        const chunk = await iterator.next();
        if (chunk.done) return undefined;
        buffer += chunk.value.toString();
      }
    },
  };
}

interface Delivery {
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A webhook receiver answering the given statuses in turn (200 after them). */
async function startHookServer(statuses: number[]): Promise<{ url: string; received: (n: number) => Promise<Delivery[]>; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const waiters: { n: number; resolve: (d: Delivery[]) => void }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      deliveries.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(text) as unknown });
      res.statusCode = statuses[deliveries.length - 1] ?? 200;
      res.end();
      for (const w of waiters) if (deliveries.length >= w.n) w.resolve(deliveries.slice(0, w.n));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: (n) =>
      new Promise((resolve, reject) => {
        if (deliveries.length >= n) return resolve(deliveries.slice(0, n));
        waiters.push({ n, resolve });
        setTimeout(() => reject(new Error(`${deliveries.length} of ${n} callbacks received in 5 s`)), 5000).unref();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
