import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { model, parallel, service } from '../../src/services/builders.js';
import { problemsOf } from '../helpers/config-problems.js';
import { FIXTURES, expected, maxAbsDiff } from '../helpers/fixtures.js';
import { getJson, postJson, startTestServer } from '../helpers/server.js';

/** A service is also an Open Inference Protocol model: OIP clients can call a whole graph. */
type Output = { name: string; datatype: string; shape: number[]; data: unknown[] };
type InferAnswer = { model_name: string; model_version: string; id?: string; outputs: Output[]; code?: string; error?: string };

const ROWS = expected.inputs.slice(48, 54);
const tensor = (rows: number[][], name = 'anything') => ({ name, datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() });

describe('services over the Open Inference Protocol', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: 'svc', path: path.join(FIXTURES, 'iris_svc.onnx') },
        { name: 'forest', path: path.join(FIXTURES, 'iris_rf.onnx') },
      ],
      {
        services: [
          service('best', parallel({ svc: model('svc'), forest: model('forest') }, { aggregate: 'max-confidence' })),
          service('both', parallel({ svc: model('svc'), forest: model('forest') })),
        ],
      },
    );
  });
  afterAll(() => server?.close());

  it('answers /v2/models/{service}/infer with the service predictions (FP64) and labels (BYTES), id echoed', async () => {
    const res = await postJson<InferAnswer>(`${server.url}/v2/models/best/infer`, { id: 'r-1', inputs: [tensor(ROWS)] });
    expect(res.status).toBe(200);
    const friendly = await postJson<{ predictions: number[][]; labels: string[] }>(`${server.url}/v1/services/best/predict`, { instances: ROWS });
    expect(res.body).toMatchObject({ model_name: 'best', model_version: '1', id: 'r-1' });
    const [predictions, labels] = res.body.outputs;
    expect(predictions).toMatchObject({ name: 'predictions', datatype: 'FP64', shape: [ROWS.length, 3] });
    const rows = ROWS.map((_, i) => (predictions?.data as number[]).slice(i * 3, i * 3 + 3));
    expect(maxAbsDiff(rows, friendly.body.predictions)).toBeLessThan(1e-6);
    expect(labels).toEqual({ name: 'labels', datatype: 'BYTES', shape: [ROWS.length], data: friendly.body.labels });
  });

  it('sends rows that are not numeric tensors as JSON text (BYTES), and only the outputs asked for', async () => {
    const res = await postJson<InferAnswer>(`${server.url}/v2/models/both/infer`, { inputs: [tensor(ROWS.slice(0, 2))], outputs: [{ name: 'predictions' }] });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toHaveLength(1);
    const out = res.body.outputs[0];
    expect(out).toMatchObject({ name: 'predictions', datatype: 'BYTES', shape: [2] });
    const first = JSON.parse(String(out?.data[0])) as { svc: number[]; forest: number[] };
    expect(Object.keys(first).sort()).toEqual(['forest', 'svc']);
    expect(maxAbsDiff([first.forest], [expected.iris_rf[48] ?? []])).toBeLessThan(1e-5);
  });

  it('describes the service, reports it ready, and refuses what does not fit', async () => {
    const meta = await getJson(`${server.url}/v2/models/best`);
    expect(meta.body).toMatchObject({ name: 'best', versions: ['1'], platform: 'mlpatterns_service' });
    expect((await getJson(`${server.url}/v2/models/best/ready`)).status).toBe(200);
    expect((await getJson(`${server.url}/v2/models/best/versions/2`)).body).toMatchObject({ code: 'VERSION_NOT_FOUND' });
    const two = await postJson<InferAnswer>(`${server.url}/v2/models/best/infer`, { inputs: [tensor(ROWS, 'a'), tensor(ROWS, 'b')] });
    expect(two.status).toBe(400);
    expect(two.body.code).toBe('INVALID_REQUEST');
    const unknown = await postJson<InferAnswer>(`${server.url}/v2/models/best/infer`, { inputs: [tensor(ROWS)], outputs: [{ name: 'scores' }] });
    expect(unknown.body.code).toBe('UNKNOWN_OUTPUT');
    expect((await postJson<InferAnswer>(`${server.url}/v2/models/nothing/infer`, { inputs: [tensor(ROWS)] })).status).toBe(404);
  });

  it('refuses a service named like a model at start-up (one /v2/models namespace)', () => {
    const message = problemsOf({ models: [{ name: 'iris', path: '/m/iris.onnx' }], services: [service('iris', model('iris'))] });
    expect(message).toContain(`"iris" is already a model's name`);
  });
});
