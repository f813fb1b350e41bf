import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { model, remote, service } from '../../src/services/builders.js';
import { FIXTURES, expected, maxAbsDiff } from '../helpers/fixtures.js';
import { postJson, startTestServer } from '../helpers/server.js';

type Answer = { predictions: number[][]; labels?: string[]; request_id?: string; code?: string; error?: string };
const ROWS = expected.inputs.slice(0, 20);

/** A node:http server whose answers the test scripts, one per request; it records what it was sent. */
interface Fake {
  url: string;
  port: number;
  readonly seen: { headers: IncomingMessage['headers']; body: unknown }[];
  answers: ((res: ServerResponse, body: { instances: unknown[] }) => void)[];
  close(): Promise<void>;
}

async function startFake(port = 0): Promise<Fake> {
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { instances: unknown[] };
      fake.seen.push({ headers: req.headers, body });
      (fake.answers.shift() ?? ok)(res, body);
    });
  });
  const fake: Fake = {
    url: '',
    port: 0,
    seen: [],
    answers: [],
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}

const ok = (res: ServerResponse, body: { instances: unknown[] }) => json(res, 200, { predictions: body.instances.map(() => [1, 0]), labels: body.instances.map(() => 'a') });
const unavailable = (res: ServerResponse) => json(res, 503, { error: 'Server is shutting down', code: 'SHUTTING_DOWN' });
function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

describe('remote node against a real mlpatterns server', () => {
  let back: RunningServer;
  let front: RunningServer;
  beforeAll(async () => {
    back = await startTestServer([{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }]);
    front = await startTestServer([], { services: [service('remote-iris', remote({ url: back.url, model: 'iris', retries: 0 }))] });
  });
  afterAll(async () => {
    await front.close();
    await back.close();
  });

  it('answers what the back server answers, labels included', async () => {
    const direct = await postJson<Answer>(`${back.url}/v1/models/iris/predict`, { instances: ROWS });
    const res = await postJson<Answer>(`${front.url}/v1/services/remote-iris/predict`, { instances: ROWS, keys: ROWS.map((_, i) => `k${i}`) });
    expect(res.status).toBe(200);
    expect(maxAbsDiff(res.body.predictions, direct.body.predictions)).toBeLessThan(1e-6);
    expect(maxAbsDiff(res.body.predictions, expected.iris_svc.slice(0, 20))).toBeLessThan(1e-5);
    expect(res.body.labels).toEqual(direct.body.labels);
  });

  it('returns the remote’s client error for a malformed instance as that 4xx', async () => {
    const res = await postJson<Answer>(`${front.url}/v1/services/remote-iris/predict`, { instances: [[1, 2]] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_SHAPE');
  });

  it('counts calls in mlpatterns_remote_requests_total', async () => {
    const text = await (await request(`${front.url}/metrics`)).body.text();
    expect(text).toMatch(new RegExp(`mlpatterns_remote_requests_total\\{target="${back.url}/v1/models/iris",result="ok"\\} [1-9]`));
    expect(text).toMatch(/mlpatterns_remote_breaker_state\{target="[^"]+"\} 0/);
  });
});

describe('remote node: request id, retries and the breaker', () => {
  let fake: Fake;
  let front: RunningServer;
  const node = (extra: Partial<Parameters<typeof remote>[0]> = {}) => remote({ url: fake.url, model: 'm', backoffMs: 1, ...extra });
  beforeAll(async () => {
    fake = await startFake();
    front = await startTestServer([], {
      services: [
        service('plain', node({ retries: 2 })),
        service('svc', remote({ url: `${fake.url}/`, service: 'inner', retries: 0 })),
        service('tripping', node({ model: 'tripping', retries: 1, breaker: { failures: 2, resetMs: 100 } })),
      ],
    });
  });
  afterAll(async () => {
    await front.close();
    await fake.close();
  });
  const call = (name: string, headers: Record<string, string> = {}) =>
    request(`${front.url}/v1/services/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ instances: [[1, 2]], keys: ['secret-key'] }),
    }).then(async (res) => ({ status: res.statusCode, body: (await res.body.json()) as Answer }));

  it('forwards the request id and the instances only (no keys)', async () => {
    fake.seen.length = 0;
    const res = await call('svc', { 'x-request-id': 'trace-42' });
    expect(res.status).toBe(200);
    expect(res.body.request_id).toBe('trace-42');
    expect(fake.seen[0]?.headers['x-request-id']).toBe('trace-42');
    expect(fake.seen[0]?.body).toEqual({ instances: [[1, 2]] });
  });

  it('retries 503s (Retry-After within the budget) and then answers', async () => {
    fake.seen.length = 0;
    fake.answers = [(res) => json(res, 503, { error: 'busy', code: 'OVERLOADED' }, { 'retry-after': '0' }), unavailable];
    const res = await call('plain');
    expect(res.status).toBe(200);
    expect(fake.seen).toHaveLength(3);
  });

  it('never retries a 4xx', async () => {
    fake.seen.length = 0;
    fake.answers = [(res) => json(res, 400, { error: 'Input "x": bad', code: 'INVALID_SHAPE' })];
    const res = await call('plain');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_SHAPE', error: 'Input "x": bad' });
    expect(fake.seen).toHaveLength(1);
  });

  it('gives up after the retries, with 503 REMOTE_UNAVAILABLE', async () => {
    fake.seen.length = 0;
    fake.answers = [unavailable, unavailable, unavailable];
    const res = await call('plain');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('REMOTE_UNAVAILABLE');
    expect(fake.seen).toHaveLength(3);
  });

  it('opens the breaker after consecutive failures, fails fast, and closes after a successful probe', async () => {
    // Close the server: attempts now fail on the network (connection refused).
    const port = fake.port;
    await fake.close();
    for (let i = 0; i < 2; i++) {
      const res = await call('tripping');
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/ECONNREFUSED|other side closed|socket/i);
    }
    const rejected = await call('tripping');
    expect(rejected.status).toBe(503);
    expect(rejected.body).toMatchObject({ code: 'REMOTE_UNAVAILABLE' });
    expect(rejected.body.error).toContain('circuit open');

    // Back on the same port: nothing reaches it while the breaker is open.
    fake = await startFake(port);
    expect((await call('tripping')).body.error).toContain('circuit open');
    expect(fake.seen).toHaveLength(0);

    await new Promise((r) => setTimeout(r, 120)); // the breaker's resetMs
    const probe = await call('tripping');
    expect(probe.status).toBe(200);
    expect(fake.seen).toHaveLength(1);
    expect((await call('tripping')).status).toBe(200);

    const text = await (await request(`${front.url}/metrics`)).body.text();
    expect(text).toMatch(/mlpatterns_remote_requests_total\{target="[^"]+\/v1\/models\/tripping",result="rejected"\} 2/);
  });
});

describe('remote node config', () => {
  const resolve = (graph: unknown) => () => resolveConfig({ models: [], services: [{ name: 's', graph }] });
  it('refuses a non-http URL and a node naming both or neither of model and service', () => {
    expect(resolve({ type: 'remote', url: 'ftp://x', model: 'm' })).toThrow(/http/);
    expect(resolve({ type: 'remote', url: 'http://x', model: 'm', service: 's' })).toThrow(/exactly one/);
    expect(resolve({ type: 'remote', url: 'http://x' })).toThrow(/exactly one/);
    expect(resolve({ type: 'remote', url: 'http://x:8080', model: 'm', breaker: { failures: 0 } })).toThrow(/failures/);
    expect(resolve({ type: 'remote', url: 'http://x:8080', service: 's2' })).not.toThrow();
  });

  it('builds the same plain object as the YAML', () => {
    expect(remote({ url: 'http://x', model: 'm' })).toEqual({ type: 'remote', url: 'http://x', model: 'm' });
    expect(model('m').type).toBe('model');
  });
});
