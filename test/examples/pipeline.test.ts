import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { expected, maxAbsDiff } from '../helpers/fixtures.js';
import { metricValue, serveExample } from '../helpers/example.js';
import { postJson } from '../helpers/server.js';

/**
 * Microservice vertical (serial): models called in order, the output of one
 * feeding the next, the path branching on a previous result — and an explicit
 * output → input mapping so the second model gets the payload it expects.
 */
type Answer = { predictions: number[][]; labels: string[]; routes: string[]; keys?: string[] };

describe('example: pipeline (serial, branch on the previous label, explicit mapping)', () => {
  let server: RunningServer;
  let first: { predictions: number[][]; labels: string[] };

  beforeAll(async () => {
    server = await serveExample('examples/pipeline/mlpatterns.yaml');
    first = (await postJson<{ predictions: number[][]; labels: string[] }>(`${server.url}/v1/models/iris/predict`, { instances: expected.inputs })).body;
  });
  afterAll(() => server?.close());

  const forestRows = async (): Promise<number> => metricValue(await (await fetch(`${server.url}/metrics`)).text(), 'mlpatterns_inferences_total', { model: 'iris-forest' });

  it('sends only the instances step 1 labels versicolor or virginica to the forest, with their original measurements', async () => {
    const before = await forestRows();
    const keys = expected.inputs.map((_, i) => `row-${i}`);
    const res = await postJson<Answer>(`${server.url}/v1/services/species/predict`, { instances: expected.inputs, keys });
    expect(res.status).toBe(200);
    const { predictions, labels, routes } = res.body;
    expect(res.body.keys).toEqual(keys);

    const branched = first.labels.flatMap((label, i) => (label === 'setosa' ? [] : [i]));
    expect(branched.length).toBeGreaterThan(50); // the data set has 50 of each species
    expect(branched.length).toBeLessThan(expected.inputs.length);
    first.labels.forEach((label, i) => {
      if (label === 'setosa') {
        // Passed through: step 1's own answer, and the forest never saw it.
        expect(routes[i]).toBe('default');
        expect(predictions[i]).toEqual(first.predictions[i]);
        expect(labels[i]).toBe('setosa');
      } else {
        expect(routes[i]).toBe('rules[0]');
      }
    });
    // The forest's answers are its answers on the measurements (the reference outputs), not on probabilities.
    const forest = branched.map((i) => predictions[i] ?? []);
    expect(maxAbsDiff(forest, branched.map((i) => expected.iris_rf[i] ?? []))).toBeLessThan(1e-5);
    expect(await forestRows()).toBe(before + branched.length);
  });

  it('maps the measurements and step 1 probabilities into one row (stacking)', async () => {
    const instances = expected.inputs.slice(0, 3);
    const res = await postJson<{ predictions: number[][] }>(`${server.url}/v1/services/stacked-features/predict`, { instances });
    expect(res.status).toBe(200);
    res.body.predictions.forEach((row, i) => {
      expect(row).toHaveLength(7);
      expect(row.slice(0, 4)).toEqual(instances[i]);
      expect(row.slice(4)).toEqual(first.predictions[i]);
    });
  });
});
