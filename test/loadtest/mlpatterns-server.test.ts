import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { planFromFlags } from '../../src/loadtest/options.js';
import { buildReport } from '../../src/loadtest/report.js';
import { runLoad } from '../../src/loadtest/run-load.js';
import { IRIS_EXAMPLE } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';

describe('loadtest against a real mlpatterns server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer([{ name: 'iris', path: IRIS_EXAMPLE }]);
  });
  afterAll(async () => server.close());

  it('predicts iris at 100/s for 1 s with 100% success', async () => {
    const plan = planFromFlags(`${server.url}/v1/models/iris/predict`, {
      rate: '100',
      duration: '1s',
      data: JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }),
    });
    const report = buildReport(plan, await runLoad(plan));

    expect(report.requests).toMatchObject({ sent: 100, answered: 100, ok: 100, failed: 0 });
    expect(report.successRatio).toBe(1);
    expect(report.statusCodes).toEqual({ '200': 100 });
    expect(report.errors).toEqual({});
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.p99).toBeLessThan(1000);
  });
});
