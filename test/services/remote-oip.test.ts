import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { remote, service } from '../../src/services/builders.js';
import { FIXTURES, argmax, expected, maxAbsDiff } from '../helpers/fixtures.js';
import { postJson, startTestServer } from '../helpers/server.js';

type Answer = { predictions: unknown[]; labels?: string[]; request_id?: string; code?: string; error?: string };
type InferBody = { id?: string; inputs: { name: string; shape: number[]; datatype: string; data: number[] }[]; outputs?: { name: string }[] };
const ROWS = expected.inputs.slice(0, 20);

const call = (base: string, name: string, instances: unknown[], headers: Record<string, string> = {}) =>
  request(`${base}/v1/services/${name}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ instances }),
  }).then(async (res) => ({ status: res.statusCode, body: (await res.body.json()) as Answer }));

describe('remote node, protocol v2, against a real mlpatterns server’s /v2', () => {
  let back: RunningServer;
  let front: RunningServer;
  beforeAll(async () => {
    back = await startTestServer([{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }]);
    const v2 = (extra: Partial<Parameters<typeof remote>[0]> = {}) => remote({ url: back.url, model: 'iris', protocol: 'v2', retries: 0, ...extra });
    front = await startTestServer([], {
      services: [
        service('from-metadata', v2()),
        service('explicit', v2({ input: 'float_input', datatype: 'FP32', output: 'output_label' })),
        service('versioned', v2({ version: '1' })),
        service('no-such-version', v2({ version: '9' })),
      ],
    });
  });
  afterAll(async () => {
    await front.close();
    await back.close();
  });

  it('answers the expected probabilities, input name and datatype read from the metadata', async () => {
    const direct = await postJson<Answer>(`${back.url}/v1/models/iris/predict`, { instances: ROWS });
    const res = await call(front.url, 'from-metadata', ROWS);
    expect(res.status).toBe(200);
    const rows = res.body.predictions as number[][];
    expect(maxAbsDiff(rows, expected.iris_svc.slice(0, 20))).toBeLessThan(1e-5);
    expect(maxAbsDiff(rows, direct.body.predictions as number[][])).toBeLessThan(1e-6);
  });

  it('takes the rows from the configured output (shape [n]: scalar rows)', async () => {
    const res = await call(front.url, 'explicit', ROWS);
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual(expected.iris_svc.slice(0, 20).map(argmax));
  });

  it('calls /versions/{version}/infer; a version the remote lacks is 503 REMOTE_UNAVAILABLE', async () => {
    const res = await call(front.url, 'versioned', ROWS.slice(0, 3));
    expect(res.status).toBe(200);
    expect(maxAbsDiff(res.body.predictions as number[][], expected.iris_svc.slice(0, 3))).toBeLessThan(1e-5);
    const missing = await call(front.url, 'no-such-version', ROWS.slice(0, 3));
    expect(missing.status).toBe(503);
    expect(missing.body.code).toBe('REMOTE_UNAVAILABLE');
    expect(missing.body.error).toContain(`${back.url}/v2/models/iris/versions/9`);
    expect(missing.body.error).toContain('HTTP 404');
  });

  it('passes the remote’s 400 about the instances through (wrong width: INVALID_SHAPE)', async () => {
    const res = await call(front.url, 'explicit', [[1, 2, 3]]);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_SHAPE');
    expect(res.body.error).toContain('float_input');
  });

  it('counts calls under the v2 target', async () => {
    const text = await (await request(`${front.url}/metrics`)).body.text();
    expect(text).toMatch(new RegExp(`mlpatterns_remote_requests_total\\{target="${back.url}/v2/models/iris",result="ok"\\} [1-9]`));
  });
});

/** An OIP server whose answers the test scripts; it records every request. */
interface Fake {
  url: string;
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers']; body: InferBody | undefined }[];
  answers: ((res: ServerResponse, body: InferBody | undefined) => void)[];
  close(): Promise<void>;
}

async function startFake(): Promise<Fake> {
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = raw === '' ? undefined : (JSON.parse(raw) as InferBody);
      fake.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const scripted = fake.answers.shift();
      if (scripted) scripted(res, body);
      else if (req.method === 'GET') json(res, 200, { name: 'm', inputs: [{ name: 'x0', datatype: 'FP64', shape: [-1, -1] }], outputs: [] });
      else echo(res, body);
    });
  });
  const fake: Fake = {
    url: '',
    seen: [],
    answers: [],
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Answers the input back as output "scores", plus a BYTES "label" per row. */
function echo(res: ServerResponse, body: InferBody | undefined): void {
  const input = body?.inputs[0];
  const n = input?.shape[0] ?? 0;
  json(res, 200, {
    model_name: 'm',
    id: body?.id,
    outputs: [
      { name: 'scores', datatype: 'FP64', shape: input?.shape, data: input?.data },
      { name: 'label', datatype: 'BYTES', shape: [n], data: Array.from({ length: n }, (_, i) => `l${i}`) },
    ],
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

describe('remote node, protocol v2: the wire format', () => {
  let fake: Fake;
  let down: string;
  let front: RunningServer;
  beforeAll(async () => {
    fake = await startFake();
    down = await deadUrl();
    const v2 = (model: string, extra: Partial<Parameters<typeof remote>[0]> = {}) => remote({ url: fake.url, model, protocol: 'v2', backoffMs: 1, retries: 0, ...extra });
    front = await startTestServer([], {
      services: [
        service('meta', v2('meta')),
        service('named', v2('named', { input: 'x', output: 'scores', labelOutput: 'label' })),
        service('ints', v2('ints', { datatype: 'INT64' })),
        service('retrying', v2('retrying', { retries: 2 })),
        service('down', remote({ url: down, model: 'gone', protocol: 'v2', retries: 0, breaker: { failures: 2, resetMs: 60_000 } })),
      ],
    });
  });
  afterAll(async () => {
    await front.close();
    await fake.close();
  });

  it('reads the metadata once, then sends the id, x-request-id and an [n, d] tensor of the listed input', async () => {
    fake.seen.length = 0;
    const first = await call(front.url, 'meta', [[1, 2], [3, 4]], { 'x-request-id': 'trace-7' });
    expect(first.status).toBe(200);
    expect(first.body.predictions).toEqual([[1, 2], [3, 4]]);
    expect(first.body.labels).toBeUndefined();
    const second = await call(front.url, 'meta', [5, 6, 7]);
    expect(second.body.predictions).toEqual([[5], [6], [7]]);
    expect(fake.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /v2/models/meta', 'POST /v2/models/meta/infer', 'POST /v2/models/meta/infer']);
    expect(fake.seen[1]?.headers['x-request-id']).toBe('trace-7');
    expect(fake.seen[1]?.body).toEqual({ id: 'trace-7', inputs: [{ name: 'x0', shape: [2, 2], datatype: 'FP64', data: [1, 2, 3, 4] }] });
    expect(fake.seen[2]?.body?.inputs[0]).toMatchObject({ shape: [3, 1], data: [5, 6, 7] });
    expect(fake.seen[2]?.body?.id).toBe(second.body.request_id);
  });

  it('with input/output/labelOutput configured: no metadata call, outputs requested, BYTES labels', async () => {
    fake.seen.length = 0;
    const res = await call(front.url, 'named', [[0.5, 1.5]]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ predictions: [[0.5, 1.5]], labels: ['l0'] });
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]?.body).toMatchObject({ inputs: [{ name: 'x', datatype: 'FP32' }], outputs: [{ name: 'scores' }, { name: 'label' }] });

    // Outputs are found by name, whatever their order in the answer.
    fake.answers = [
      (r) =>
        json(r, 200, {
          outputs: [
            { name: 'label', datatype: 'BYTES', shape: [1, 1], data: [['first']] },
            { name: 'scores', datatype: 'FP32', shape: [1, 2, 1], data: [[[7], [8]]] },
          ],
        }),
    ];
    const reordered = await call(front.url, 'named', [[0.5, 1.5]]);
    expect(reordered.body).toMatchObject({ predictions: [[[7], [8]]], labels: ['first'] });
  });

  it('refuses a ragged, non-numeric or (for INT64) fractional instance with a 400 before sending anything', async () => {
    fake.seen.length = 0;
    const ragged = await call(front.url, 'named', [[1, 2], [3]]);
    expect(ragged.status).toBe(400);
    expect(ragged.body.code).toBe('INVALID_SHAPE');
    expect(ragged.body.error).toContain('instance 1 has 1 values');
    const text = await call(front.url, 'named', [[1, 'a']]);
    expect(text.status).toBe(400);
    expect(text.body.code).toBe('INVALID_DTYPE');
    const fractional = await call(front.url, 'ints', [[1, 2.5]]);
    expect(fractional.status).toBe(400);
    expect(fractional.body.code).toBe('INVALID_DTYPE');
    expect(fake.seen.filter((s) => s.method === 'POST')).toHaveLength(0);
  });

  it('passes an OIP 400 {"error"} through as 400 INVALID_REQUEST with the remote’s message, without retrying', async () => {
    fake.seen.length = 0;
    fake.answers = [(res) => json(res, 400, { error: "unexpected shape for input 'x'" })];
    const res = await call(front.url, 'named', [[1, 2]]);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
    expect(res.body.error).toContain("unexpected shape for input 'x'");
    expect(fake.seen).toHaveLength(1);
  });

  it('refuses an answer whose shape does not hold one row per instance: 503 REMOTE_UNAVAILABLE', async () => {
    fake.answers = [(res) => json(res, 200, { outputs: [{ name: 'scores', datatype: 'FP32', shape: [1, 2], data: [1, 2] }] })];
    const res = await call(front.url, 'named', [[1, 2], [3, 4]]);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('REMOTE_UNAVAILABLE');
    expect(res.body.error).toContain('does not hold 2 rows');
  });

  it('retries a failed metadata call like any other failure', async () => {
    fake.seen.length = 0;
    fake.answers = [(res) => json(res, 503, { error: 'loading' })];
    const res = await call(front.url, 'retrying', [[1, 2]]);
    expect(res.status).toBe(200);
    expect(fake.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /v2/models/retrying', 'GET /v2/models/retrying', 'POST /v2/models/retrying/infer']);
  });

  it('answers 503 REMOTE_UNAVAILABLE when the remote is down, and opens the breaker', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await call(front.url, 'down', [[1, 2]]);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('REMOTE_UNAVAILABLE');
      expect(res.body.error).toMatch(/ECONNREFUSED/);
    }
    const rejected = await call(front.url, 'down', [[1, 2]]);
    expect(rejected.status).toBe(503);
    expect(rejected.body.error).toContain('circuit open');
    const text = await (await request(`${front.url}/metrics`)).body.text();
    expect(text).toContain(`mlpatterns_remote_requests_total{target="${down}/v2/models/gone",result="rejected"} 1`);
    expect(text).toContain(`mlpatterns_remote_breaker_state{target="${down}/v2/models/gone"} 2`);
  });
});

describe('remote node, protocol v2: config', () => {
  const resolve = (graph: unknown) => () => resolveConfig({ models: [], services: [{ name: 's', graph }] });

  it('refuses "service" with protocol v2, and the v2 keys without it', () => {
    expect(resolve({ type: 'remote', url: 'http://x', service: 'inner', protocol: 'v2' })).toThrow(/protocol v2 .*calls models only/);
    expect(resolve({ type: 'remote', url: 'http://x', model: 'm', input: 'x' })).toThrow(/need protocol: v2/);
    expect(resolve({ type: 'remote', url: 'http://x', model: 'm', protocol: 'v3' })).toThrow(/protocol/);
    expect(resolve({ type: 'remote', url: 'http://x', model: 'm', protocol: 'v2', datatype: 'FP16' })).toThrow(/datatype/);
    expect(resolve({ type: 'remote', url: 'http://x', model: 'm', protocol: 'v2', version: '2', input: 'x', datatype: 'INT64', output: 'y', labelOutput: 'z' })).not.toThrow();
    const graph = resolveConfig({ models: [], services: [{ name: 's', graph: { type: 'remote', url: 'http://x', model: 'm', protocol: 'v2', version: 3 } }] }).services[0]?.graph;
    expect(graph).toMatchObject({ version: '3' });
  });

  it('builds the same plain object as the YAML', () => {
    const node = remote({ url: 'http://x', model: 'm', protocol: 'v2' });
    expect(node).toEqual({ type: 'remote', url: 'http://x', model: 'm', protocol: 'v2' });
    expect(resolve(node)).not.toThrow();
  });
});
