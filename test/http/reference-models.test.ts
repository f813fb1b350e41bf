import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { CLASSIFIERS, FIXTURES, argmax, expected, fixtureLabels, maxAbsDiff } from '../helpers/fixtures.js';
import { postJson, startTestServer } from '../helpers/server.js';

/**
 * The Done-when of the foundation: third-party scikit-learn models (ZipMap
 * outputs included) served over real HTTP give the fixture probabilities.
 */
describe.each(CLASSIFIERS)('serving %s over HTTP', (fixture) => {
  let server: RunningServer;
  const want = expected[fixture];
  const inputs = expected.inputs;
  const withLabels = fixture === 'iris_svc' || fixture === 'iris_rf';

  beforeAll(async () => {
    server = await startTestServer([
      {
        name: 'iris',
        path: path.join(FIXTURES, `${fixture}.onnx`),
        ...(withLabels ? { labels: path.join(FIXTURES, 'label.json') } : {}),
      },
    ]);
  });
  afterAll(async () => server.close());

  it('OIP v2 infer returns the fixture probabilities for all inputs', async () => {
    const res = await postJson<{ id: string; model_name: string; outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] }>(
      `${server.url}/v2/models/iris/infer`,
      { id: 'req-1', inputs: [{ name: 'float_input', datatype: 'FP32', shape: [inputs.length, 4], data: inputs.flat() }] },
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('req-1');
    expect(res.body.model_name).toBe('iris');
    const proba = res.body.outputs.find((o) => o.name === 'output_probability');
    expect(proba?.datatype).toBe('FP32');
    const classes = want[0]?.length ?? 0;
    expect(proba?.shape).toEqual([inputs.length, classes]);
    const rows = Array.from({ length: inputs.length }, (_, i) => (proba?.data ?? []).slice(i * classes, (i + 1) * classes));
    expect(maxAbsDiff(rows, want)).toBeLessThan(1e-4);
    const label = res.body.outputs.find((o) => o.name === 'output_label');
    expect(label?.datatype).toBe('INT64');
  });

  it('friendly predict returns the probabilities, labels and keys', async () => {
    const keys = inputs.map((_, i) => `row-${i}`);
    const res = await postJson<{ predictions: number[][]; labels?: string[]; keys: string[]; model: { name: string }; request_id: string }>(
      `${server.url}/v1/models/iris/predict`,
      { instances: inputs, keys },
    );
    expect(res.status).toBe(200);
    expect(maxAbsDiff(res.body.predictions, want)).toBeLessThan(1e-4);
    expect(res.body.keys).toEqual(keys);
    expect(res.body.model.name).toBe('iris');
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    if (withLabels) {
      expect(res.body.labels).toEqual(want.map((row) => fixtureLabels[argmax(row)]));
    } else {
      // A binary model has 2 classes; the 3-species label.json must not be applied to it.
      expect(res.body.labels).toBeUndefined();
    }
  });

  it('the label signature returns class indexes', async () => {
    const res = await postJson<{ predictions: number[] }>(`${server.url}/v1/models/iris/predict`, {
      instances: inputs.slice(0, 3),
      signature: 'label',
    });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual(want.slice(0, 3).map((row) => argmax(row)));
  });
});
