import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import { model, parallel, pipeline, service } from '../../src/services/builders.js';
import { FIXTURES, expected } from '../helpers/fixtures.js';
import { TEST_NATS_URL, deleteStreams, requireNats, uniqueStream } from '../helpers/nats.js';
import { TEST_REDIS_URL, deleteKeys, requireRedis, uniqueKeyPrefix } from '../helpers/redis.js';
import { getJson, postJson } from '../helpers/server.js';

const ROWS = expected.inputs.slice(0, 2);
const dirs: string[] = [];
const stateDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-predlog-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const MODELS: ConfigInput['models'] = [
  { name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') },
  { name: 'setosa', path: path.join(FIXTURES, 'iris_svc_0_setosa.onnx') },
  { name: 'virginica', path: path.join(FIXTURES, 'iris_svc_0_virginica.onnx') },
];

async function start(predictions: NonNullable<ConfigInput['logging']>['predictions'], services: ConfigInput['services'] = []): Promise<RunningServer> {
  const config = resolveConfig({
    server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
    storage: { stateDir: stateDir() },
    models: MODELS,
    services,
    logging: { predictions: { flushMs: 10, ...predictions } },
  });
  return startServer(config, { logger: false });
}

type Logs = { records: PredictionRecord[]; next?: string };

/** Polls `GET /v1/logs` until `count` records match (the log is written off the request path), with a deadline. */
async function logsOf(url: string, query: string, count: number): Promise<PredictionRecord[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await getJson<Logs>(`${url}/v1/logs?${query}`);
    expect(res.status).toBe(200);
    if (res.body.records.length >= count) return res.body.records;
    if (Date.now() > deadline) throw new Error(`expected ${count} records for ${query}, got ${res.body.records.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('prediction log over HTTP (sqlite sink)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ store: 'sqlite', redact: ['1'] }, [
      service('ensemble', pipeline([parallel({ a: model('setosa'), b: model('virginica') }, { aggregate: 'mean' })])),
    ]);
  }, 30_000); // three model loads, on a machine other suites share
  afterAll(async () => server?.close());

  it('a v1 predict is logged with its request id, version, inputs (redacted), outputs, labels and latency', async () => {
    const res = await postJson<{ request_id: string; predictions: unknown[]; labels?: string[] }>(`${server.url}/v1/models/iris/predict`, { instances: ROWS, keys: ['u1', 'u2'] });
    expect(res.status).toBe(200);
    const [record] = await logsOf(server.url, `request_id=${res.body.request_id}`, 1);
    expect(record).toMatchObject({
      kind: 'prediction',
      request_id: res.body.request_id,
      model: 'iris',
      version: server.repository.get('iris').current.version,
      keys: ['u1', 'u2'],
      inputs: ROWS.map((row) => [row[0], '[redacted]', row[2], row[3]]),
      outputs: res.body.predictions,
      status: 'ok',
    });
    if (res.body.labels) expect(record?.labels).toEqual(res.body.labels);
    expect(record?.latency_ms).toBeGreaterThan(0);
    expect((await logsOf(server.url, 'key=u2&model=iris', 1)).map((r) => r.request_id)).toContain(res.body.request_id);
  });

  it('a v2 infer is logged with its tensors', async () => {
    const res = await request(`${server.url}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], data: ROWS[0] }] }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    const requestId = String(res.headers['x-request-id']);
    const [record] = await logsOf(server.url, `request_id=${requestId}`, 1);
    expect(record).toMatchObject({ model: 'iris', status: 'ok' });
    expect(record?.inputs).toMatchObject({ float_input: { shape: [1, 4] } });
    expect(record?.outputs).toBeDefined();
  });

  it('a failed predict is logged with its error code', async () => {
    const res = await postJson<{ code: string }>(`${server.url}/v1/models/iris/predict`, { instances: [[1, 2]] });
    expect(res.status).toBe(400);
    const requestId = String(res.headers['x-request-id']);
    const [record] = await logsOf(server.url, `request_id=${requestId}`, 1);
    expect(record?.status).toBe(res.body.code);
  });

  it('each model call of a service is logged with the service, its node path and the one request id', async () => {
    const res = await postJson<{ request_id: string }>(`${server.url}/v1/services/ensemble/predict`, { instances: ROWS });
    expect(res.status).toBe(200);
    const records = await logsOf(server.url, `request_id=${res.body.request_id}`, 2);
    expect(records.map((r) => [r.service, r.node, r.model]).sort()).toEqual([
      ['ensemble', 'a/setosa', 'setosa'],
      ['ensemble', 'b/virginica', 'virginica'],
    ]);
    expect((await logsOf(server.url, 'service=ensemble', 2)).every((r) => r.service === 'ensemble')).toBe(true);
  });

  it('bad read queries are 400 INVALID_REQUEST', async () => {
    for (const query of ['limit=0', 'limit=abc', 'since=yesterday', 'kind=nope', 'after=xyz']) {
      const res = await getJson<{ code: string }>(`${server.url}/v1/logs?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'INVALID_REQUEST']);
    }
  });

  it('pages with limit and the next cursor', async () => {
    for (let i = 0; i < 3; i++) expect((await postJson(`${server.url}/v1/models/setosa/predict`, { instances: ROWS })).status).toBe(200);
    await logsOf(server.url, 'model=setosa&service=', 3);
    const first = await getJson<Logs>(`${server.url}/v1/logs?model=setosa&limit=1`);
    expect(first.body.records).toHaveLength(1);
    expect(first.body.next).toBeDefined();
    const second = await getJson<Logs>(`${server.url}/v1/logs?model=setosa&limit=1&after=${first.body.next}`);
    expect(second.body.records[0]?.id).not.toBe(first.body.records[0]?.id);
  });
});

describe('inputs sampling and store "none"', () => {
  it('sampleInputs 0 keeps every record but no inputs', async () => {
    const server = await start({ store: 'sqlite', sampleInputs: 0 });
    try {
      const res = await postJson<{ request_id: string }>(`${server.url}/v1/models/iris/predict`, { instances: ROWS });
      const [record] = await logsOf(server.url, `request_id=${res.body.request_id}`, 1);
      expect(record?.inputs).toBeUndefined();
      expect(record?.outputs).toBeDefined();
    } finally {
      await server.close();
    }
  });

  it('store "none" logs nothing and the read API says so', async () => {
    const server = await start({ store: 'none' });
    try {
      expect((await postJson(`${server.url}/v1/models/iris/predict`, { instances: ROWS })).status).toBe(200);
      const res = await getJson<{ code: string }>(`${server.url}/v1/logs`);
      expect([res.status, res.body.code]).toEqual([503, 'PREDICTION_LOG_DISABLED']);
    } finally {
      await server.close();
    }
  });
});

describe('event sink down', () => {
  it('predictions are still served, and the lost records are counted', async () => {
    const server = await start({ store: 'redis', url: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 5; i++) expect((await postJson(`${server.url}/v1/models/iris/predict`, { instances: ROWS })).status).toBe(200);
      const deadline = Date.now() + 5000;
      let dropped = 0;
      while (dropped < 5 && Date.now() < deadline) {
        const text = await (await request(`${server.url}/metrics`)).body.text();
        dropped = Number(/mlpatterns_prediction_log_dropped_total\{reason="sink_error"\} (\d+)/.exec(text)?.[1] ?? 0);
        if (dropped < 5) await new Promise((r) => setTimeout(r, 10));
      }
      expect(dropped).toBe(5);
      const read = await getJson<{ code: string }>(`${server.url}/v1/logs`);
      expect([read.status, read.body.code]).toEqual([503, 'STORE_UNAVAILABLE']);
    } finally {
      await server.close();
    }
  });
});

const nats = await requireNats('prediction-log.nats');
describe.skipIf(!nats.available)(`NATS JetStream sink end to end ${nats.reason}`, () => {
  const names = uniqueStream();
  afterAll(() => deleteStreams([names.stream]));
  it('predictions land in the stream and read back by request id', async () => {
    const server = await start({ store: 'nats', url: TEST_NATS_URL, stream: names.stream, subjectPrefix: names.subjectPrefix });
    try {
      const res = await postJson<{ request_id: string }>(`${server.url}/v1/models/iris/predict`, { instances: ROWS });
      const [record] = await logsOf(server.url, `request_id=${res.body.request_id}`, 1);
      expect(record).toMatchObject({ model: 'iris', request_id: res.body.request_id, status: 'ok' });
    } finally {
      await server.close();
    }
  });
});

const redis = await requireRedis('prediction-log.redis');
describe.skipIf(!redis.available)(`Redis Streams sink end to end ${redis.reason}`, () => {
  const prefix = uniqueKeyPrefix();
  afterAll(() => deleteKeys([prefix]));
  it('predictions land in the stream and read back by request id', async () => {
    const server = await start({ store: 'redis', url: TEST_REDIS_URL, stream: `${prefix}predictions` });
    try {
      const res = await postJson<{ request_id: string }>(`${server.url}/v1/models/iris/predict`, { instances: ROWS });
      const [record] = await logsOf(server.url, `request_id=${res.body.request_id}`, 1);
      expect(record).toMatchObject({ model: 'iris', request_id: res.body.request_id, status: 'ok' });
    } finally {
      await server.close();
    }
  });
});
