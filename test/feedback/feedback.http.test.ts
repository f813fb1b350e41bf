import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import type { FeedbackEvent } from '../../src/services/feedback-event.js';
import { FIXTURES, expected } from '../helpers/fixtures.js';
import { getJson, postJson } from '../helpers/server.js';

type FeedbackAnswer = { feedback_id: string; duplicate: boolean; joined: { model: string; version: string; request_id: string } };
type Predicted = { request_id: string; labels: string[] };

describe('POST /v1/feedback (sqlite prediction log)', () => {
  let server: RunningServer;
  let dir: string;
  const notified: FeedbackEvent[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlp-feedback-'));
    // The default flush period (1 s): feedback sent right after its prediction must still find it.
    const config = resolveConfig({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      storage: { stateDir: dir },
      models: [{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }],
    });
    server = await startServer(config, { logger: false });
    server.services.notifyFeedback = async (f) => void notified.push(f);
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const predict = async (instances: number[][], keys?: string[]): Promise<Predicted> => {
    const res = await postJson<Predicted>(`${server.url}/v1/models/iris/predict`, { instances, ...(keys ? { keys } : {}) });
    expect(res.status).toBe(200);
    return res.body;
  };
  const feedback = (body: unknown) => postJson<FeedbackAnswer & { code?: string }>(`${server.url}/v1/feedback`, body);
  const feedbackRecords = async (requestId: string): Promise<PredictionRecord[]> =>
    (await getJson<{ records: PredictionRecord[] }>(`${server.url}/v1/logs?kind=feedback&request_id=${requestId}`)).body.records;

  it('feedback by request id, sent right after the prediction, is stored (201) and joined to the logged prediction', async () => {
    const predicted = await predict([expected.inputs[0] as number[]]);
    const res = await feedback({ request_id: predicted.request_id, label: 'setosa' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ duplicate: false, joined: { model: 'iris', version: server.repository.get('iris').current.version, request_id: predicted.request_id } });
    const records = await feedbackRecords(predicted.request_id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: res.body.feedback_id, kind: 'feedback', model: 'iris', feedback: { label: 'setosa' } });
    expect(notified).toContainEqual({ requestId: predicted.request_id, label: 'setosa' });
  });

  it('the same feedback again is idempotent (200, the same id, one record); a different one is 409 FEEDBACK_CONFLICT', async () => {
    const predicted = await predict([expected.inputs[1] as number[]]);
    const first = await feedback({ request_id: predicted.request_id, label: 'setosa', reward: 1 });
    expect(first.status).toBe(201);
    const notifiedBefore = notified.length;
    const again = await Promise.all([1, 2, 3].map(() => feedback({ request_id: predicted.request_id, label: 'setosa', reward: 1 })));
    for (const res of again) expect(res.body).toMatchObject({ feedback_id: first.body.feedback_id, duplicate: true });
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(notified.length).toBe(notifiedBefore); // a duplicate is not a second reward
    const conflict = await feedback({ request_id: predicted.request_id, label: 'virginica', reward: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('FEEDBACK_CONFLICT');
    expect(await feedbackRecords(predicted.request_id)).toHaveLength(1);
  });

  it('concurrent first feedbacks for one prediction store one record', async () => {
    const predicted = await predict([expected.inputs[2] as number[]]);
    const answers = await Promise.all([1, 2, 3, 4].map(() => feedback({ request_id: predicted.request_id, value: 0.5 })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.feedback_id)).size).toBe(1);
    expect(await feedbackRecords(predicted.request_id)).toHaveLength(1);
  });

  it('feedback by key joins the latest prediction that sent the key', async () => {
    const older = await predict([expected.inputs[3] as number[]], ['user-7']);
    const newer = await predict([expected.inputs[60] as number[], expected.inputs[4] as number[]], ['user-8', 'user-7']);
    expect(older.request_id).not.toBe(newer.request_id);
    const res = await feedback({ key: 'user-7', label: 'setosa', model: 'iris' });
    expect(res.status).toBe(201);
    expect(res.body.joined.request_id).toBe(newer.request_id);
    const [record] = await feedbackRecords(newer.request_id);
    expect(record).toMatchObject({ keys: ['user-7'], feedback: { key: 'user-7', label: 'setosa' } });
  });

  it('feedback for an unknown request id, key or model is 404 PREDICTION_NOT_FOUND', async () => {
    const predicted = await predict([expected.inputs[5] as number[]]);
    for (const body of [{ request_id: 'no-such-request', label: 'setosa' }, { key: 'nobody', value: 1 }, { request_id: predicted.request_id, model: 'other', label: 'setosa' }]) {
      const res = await feedback(body);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('PREDICTION_NOT_FOUND');
    }
  });

  it('bad bodies are 400 INVALID_REQUEST naming the problem; a non-JSON body is 415', async () => {
    const cases: [unknown, RegExp][] = [
      [{ label: 'setosa' }, /exactly one of "request_id" and "key"/],
      [{ request_id: 'a', key: 'b', label: 'setosa' }, /exactly one of/],
      [{ request_id: 'a' }, /at least one of "label", "value" and "reward"/],
      [{ request_id: 'a', reward: 'high' }, /"reward" must be a finite number/],
      [{ request_id: 'a', value: null }, /"value" must be a finite number/],
      [{ request_id: 'a', label: { x: 1 } }, /"label" must be/],
      [{ request_id: '', label: 'x' }, /"request_id" must be a non-empty string/],
      [{ request_id: 'a', label: 'x', extra: 1 }, /unknown field "extra"/],
      [[1, 2], /JSON object/],
    ];
    for (const [body, reason] of cases) {
      const res = await postJson<{ code: string; error: string }>(`${server.url}/v1/feedback`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(res.body.error).toMatch(reason);
    }
    // 1e999 parses to Infinity: not a finite reward.
    const infinite = await request(`${server.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"request_id":"a","reward":1e999}' });
    expect(infinite.statusCode).toBe(400);
    expect(((await infinite.body.json()) as { error: string }).error).toMatch(/"reward" must be a finite number/);
    const text = await request(`${server.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'setosa' });
    expect(text.statusCode).toBe(415);
    await text.body.dump();
  });
});

describe('POST /v1/feedback without a prediction log', () => {
  it('is 503 PREDICTION_LOG_DISABLED', async () => {
    const config = resolveConfig({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      models: [{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }],
      logging: { predictions: { store: 'none' } },
    });
    const server = await startServer(config, { logger: false });
    try {
      const res = await postJson<{ code: string }>(`${server.url}/v1/feedback`, { request_id: 'a', label: 'setosa' });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('PREDICTION_LOG_DISABLED');
    } finally {
      await server.close();
    }
  });
});
