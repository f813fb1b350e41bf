import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { FIXTURES, expected, maxAbsDiff } from '../helpers/fixtures.js';
import { getJson, postJson, startTestServer } from '../helpers/server.js';

const GATED = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/gated-model');

describe('server features over a real socket', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer([{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }]);
  });
  afterAll(async () => server.close());

  it('speaks the OIP binary tensor extension as tritonclient sends it', async () => {
    const rows = expected.inputs.slice(0, 3);
    const tensor = Buffer.from(Float32Array.from(rows.flat()).buffer);
    // tritonclient: compact JSON header, binary input with binary_data_size, binary output asked per output.
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'float_input', shape: [3, 4], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }],
        outputs: [{ name: 'output_probability', parameters: { binary_data: true } }, { name: 'output_label', parameters: { binary_data: false } }],
      }),
    );
    const res = await request(`${server.url}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, tensor]),
    });
    expect(res.statusCode).toBe(200);
    const headerLength = Number(res.headers['inference-header-content-length']);
    const body = Buffer.from(await res.body.arrayBuffer());
    const json = JSON.parse(body.subarray(0, headerLength).toString()) as {
      outputs: { name: string; shape: number[]; data?: number[]; parameters?: { binary_data_size?: number } }[];
    };
    const proba = json.outputs.find((o) => o.name === 'output_probability');
    expect(proba?.parameters?.binary_data_size).toBe(3 * 3 * 4);
    expect(proba?.data).toBeUndefined();
    const raw = body.subarray(headerLength, headerLength + 36);
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    const got = [0, 1, 2].map((i) => Array.from(values.slice(i * 3, i * 3 + 3)));
    expect(maxAbsDiff(got, expected.iris_svc.slice(0, 3))).toBeLessThan(1e-4);
    expect(json.outputs.find((o) => o.name === 'output_label')?.data).toEqual([0, 0, 0]);
  });

  it('accepts requests without any Content-Type, as tritonclient sends them', async () => {
    const tensor = Buffer.from(Float32Array.from(expected.inputs[0] ?? []).buffer);
    const header = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }] }),
    );
    const binary = await request(`${server.url}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, tensor]),
    });
    expect(binary.statusCode).toBe(200);
    await binary.body.dump();
    const json = await request(`${server.url}/v2/models/iris/infer`, {
      method: 'POST',
      body: Buffer.from(JSON.stringify({ inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: expected.inputs[0] }] })),
    });
    expect(json.statusCode).toBe(200);
    expect(((await json.body.json()) as { outputs: unknown[] }).outputs).toHaveLength(2);
  });

  it('refuses NaN and Infinity arriving as binary tensors', async () => {
    for (const bad of [NaN, Infinity]) {
      const tensor = Buffer.from(Float32Array.from([5.1, bad, 1.4, 0.2]).buffer);
      const header = Buffer.from(
        JSON.stringify({ inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }] }),
      );
      const res = await request(`${server.url}/v2/models/iris/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
        body: Buffer.concat([header, tensor]),
      });
      expect(res.statusCode).toBe(400);
      expect(((await res.body.json()) as { code: string }).code).toBe('NON_FINITE_NUMBER');
    }
  });

  it('answers the OIP health, server and model metadata routes', async () => {
    expect((await getJson(`${server.url}/v2/health/live`)).body).toEqual({ live: true });
    expect((await getJson(`${server.url}/v2/health/ready`)).body).toEqual({ ready: true });
    expect((await getJson(`${server.url}/v2`)).body).toMatchObject({ name: 'mlpatterns', extensions: ['binary_tensor_data'] });
    const meta = await getJson<{ inputs: unknown[]; outputs: { name: string; datatype: string; shape: number[] }[]; versions: string[] }>(
      `${server.url}/v2/models/iris/versions/1`,
    );
    expect(meta.status).toBe(200);
    expect(meta.body.inputs).toEqual([{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }]);
    expect(meta.body.outputs).toContainEqual({ name: 'output_probability', datatype: 'FP32', shape: [-1, 3] });
    expect((await getJson(`${server.url}/v2/models/iris/ready`)).body).toEqual({ name: 'iris', ready: true });
  });

  it('answers nested JSON data and honours requested outputs', async () => {
    const res = await postJson<{ outputs: { name: string }[] }>(`${server.url}/v2/models/iris/infer`, {
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [2, 4], data: expected.inputs.slice(0, 2) }],
      outputs: [{ name: 'output_label' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs.map((o) => o.name)).toEqual(['output_label']);
  });

  it('keeps a caller-supplied request id and makes one otherwise', async () => {
    const res = await request(`${server.url}/v1/models/iris/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42' },
      body: JSON.stringify({ instances: [expected.inputs[0]] }),
    });
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(((await res.body.json()) as { request_id: string }).request_id).toBe('trace-42');
    const bad = await request(`${server.url}/v2/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    await bad.body.dump();
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics by model, version, protocol and status', async () => {
    const rowsBefore = await inferences();
    await postJson(`${server.url}/v1/models/iris/predict`, { instances: expected.inputs.slice(0, 4) });
    expect((await inferences()) - rowsBefore).toBe(4);
    await postJson(`${server.url}/v1/models/iris/predict`, { instances: [] });
    const res = await request(`${server.url}/metrics`);
    const text = await res.body.text();
    expect(res.headers['content-type']).toContain('text/plain');
    expect(text).toMatch(/mlpatterns_requests_total\{model="iris",version="1",protocol="v1",status="200"\} \d+/);
    expect(text).toMatch(/mlpatterns_requests_total\{model="iris",version="1",protocol="v1",status="400"\} 1/);
    expect(text).toMatch(/mlpatterns_request_duration_seconds_bucket\{le="0.001",model="iris",version="1",protocol="v1"\}/);
    expect(text).toMatch(/mlpatterns_inferences_total\{model="iris",version="1"\} \d+/);
    expect(text).toContain('mlpatterns_process_cpu_user_seconds_total');
  });

  async function inferences(): Promise<number> {
    const text = await (await request(`${server.url}/metrics`)).body.text();
    return Number(/mlpatterns_inferences_total\{model="iris",version="1"\} (\d+)/.exec(text)?.[1] ?? 0);
  }

  it('serves the OpenAPI document and a docs page', async () => {
    const doc = await getJson<{ openapi: string; paths: Record<string, unknown> }>(`${server.url}/openapi.json`);
    expect(doc.body.openapi).toBe('3.0.3');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/models/{name}/predict', '/v2/models/{name}/infer']));
    const page = await request(`${server.url}/docs/`);
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('<html');
  });

  it('serves the web-single shortcuts', async () => {
    expect((await getJson(`${server.url}/health`)).body).toMatchObject({ health: 'ok' });
    expect((await getJson<{ name: string }>(`${server.url}/metadata`)).body.name).toBe('iris');
    const res = await postJson<{ predictions: number[][] }>(`${server.url}/predict`, { instances: [expected.inputs[0]] });
    expect(maxAbsDiff(res.body.predictions, [expected.iris_svc[0] ?? []])).toBeLessThan(1e-4);
  });
});

describe('OIP on a function model with several signatures', () => {
  const FUNCTION_MODEL = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/function-package');
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer([{ name: 'sum', path: FUNCTION_MODEL }]);
  });
  afterAll(async () => server.close());
  const input = { name: 'features', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };

  it('returns the default signature\'s outputs, and another signature\'s on request', async () => {
    const plain = await postJson<{ outputs: { name: string; data: number[] }[] }>(`${server.url}/v2/models/sum/infer`, { inputs: [input] });
    expect(plain.status).toBe(200);
    expect(plain.body.outputs.map((o) => o.name).sort()).toEqual(['n_features', 'prediction']);
    const mean = await postJson<{ outputs: { name: string; data: number[] }[] }>(`${server.url}/v2/models/sum/infer`, {
      inputs: [input],
      parameters: { signature: 'mean' },
    });
    expect(mean.status).toBe(200);
    expect(mean.body.outputs).toEqual([expect.objectContaining({ name: 'mean', data: [2, 5] })]);
  });
});

describe('graceful shutdown', () => {
  const g = globalThis as { __mlpGate?: Promise<void>; __mlpEntered?: () => void };
  afterAll(() => {
    delete g.__mlpGate;
    delete g.__mlpEntered;
  });

  it('answers 503 SHUTTING_DOWN (our error shape) and not-ready while draining', async () => {
    const server = await startTestServer([{ name: 'gated', path: GATED }]);
    try {
      server.server.beginShutdown();
      const app = server.server.app;
      const predict = await app.inject({ method: 'POST', url: '/v1/models/gated/predict', payload: { instances: [[1]] } });
      expect(predict.statusCode).toBe(503);
      expect(predict.json()).toMatchObject({ code: 'SHUTTING_DOWN' });
      expect((await app.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode).toBe(503);
      const modelReady = await app.inject({ method: 'GET', url: '/v2/models/gated/ready' });
      expect(modelReady.statusCode).toBe(503);
      expect(modelReady.json()).toEqual({ name: 'gated', ready: false });
      expect((await app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('finishes in-flight requests, refuses new ones, then closes', async () => {
    const server = await startTestServer([{ name: 'gated', path: GATED }]);
    let open!: () => void;
    g.__mlpGate = new Promise<void>((resolve) => (open = resolve));
    const entered = new Promise<void>((resolve) => (g.__mlpEntered = resolve));
    const inFlight = postJson<{ predictions: number[][] }>(`${server.url}/v1/models/gated/predict`, { instances: [[1], [2]] });
    await entered;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    const ready = await getJson(`${server.url}/v2/health/ready`).catch((err: unknown) => err);
    // A new request is either refused at the socket or answered 503, never served.
    if (ready instanceof Error) expect(ready.message).toMatch(/ECONNREFUSED|ECONNRESET|closed|other side/i);
    else expect((ready as { status: number }).status).toBe(503);
    expect(closed).toBe(false);
    open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual([[2], [4]]);
    await closing;
    expect(closed).toBe(true);
  });
});
