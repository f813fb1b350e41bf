import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/serve.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/server.js';

const ROW = [5.1, 3.5, 1.4, 0.2];

/** Every bad input gets a 4xx with a stable code, and the server keeps serving. */
describe('bad input', () => {
  let server: RunningServer;
  let app: FastifyInstance;

  beforeAll(async () => {
    server = await startTestServer([{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }]);
    app = server.server.app;
  });
  afterAll(async () => server.close());

  const predict = (payload: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url: '/v1/models/iris/predict', headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const infer = (payload: object, url = '/v2/models/iris/infer') =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
  const oipInput = (over: Record<string, unknown>) => ({ inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], data: ROW, ...over }] });

  const cases: [string, () => ReturnType<typeof predict>, number, string][] = [
    ['non-JSON body', () => predict('{"instances": [[1,2,'), 400, 'INVALID_JSON'],
    ['empty body', () => predict(''), 400, 'INVALID_JSON'],
    ['wrong content type', () => predict('instances=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain body', () => predict(JSON.stringify({ instances: [ROW] }), { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['missing instances', () => predict({ rows: [ROW] }), 400, 'MISSING_FIELD'],
    ['instances not a list', () => predict({ instances: 'x' }), 400, 'MISSING_FIELD'],
    ['empty batch', () => predict({ instances: [] }), 400, 'EMPTY_BATCH'],
    ['wrong fixed dim', () => predict({ instances: [[1, 2, 3]] }), 400, 'INVALID_SHAPE'],
    ['wrong rank', () => predict({ instances: [[[1, 2, 3, 4]]] }), 400, 'INVALID_SHAPE'],
    ['ragged batch', () => predict({ instances: [ROW, [1, 2]] }), 400, 'INVALID_SHAPE'],
    ['string where a number is expected', () => predict({ instances: [[5.1, 'x', 1.4, 0.2]] }), 400, 'INVALID_DTYPE'],
    ['null where a number is expected', () => predict({ instances: [[5.1, null, 1.4, 0.2]] }), 400, 'INVALID_DTYPE'],
    ['NaN literal', () => predict('{"instances": [[NaN, 1, 2, 3]]}'), 400, 'INVALID_JSON'],
    ['huge number overflowing float32', () => predict({ instances: [[1e39, 1, 2, 3]] }), 400, 'NON_FINITE_NUMBER'],
    ['keys length differs', () => predict({ instances: [ROW, ROW], keys: ['a'] }), 400, 'KEYS_LENGTH_MISMATCH'],
    ['unknown signature', () => predict({ instances: [ROW], signature: 'nope' }), 400, 'UNKNOWN_SIGNATURE'],
    ['unknown model', () => app.inject({ method: 'POST', url: '/v1/models/nope/predict', payload: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND'],
    ['model name with ..', () => app.inject({ method: 'POST', url: '/v1/models/../predict', payload: { instances: [ROW] } }), 404, 'ROUTE_NOT_FOUND'],
    ['model name with encoded /', () => app.inject({ method: 'POST', url: '/v1/models/a%2Fb/predict', payload: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND'],
    ['model name with control character', () => app.inject({ method: 'POST', url: '/v1/models/a%01b/predict', payload: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND'],
    ['OIP: unknown version', () => infer(oipInput({}), '/v2/models/iris/versions/99/infer'), 404, 'VERSION_NOT_FOUND'],
    ['OIP: missing inputs', () => infer({ id: 'x' }), 400, 'INVALID_REQUEST'],
    ['OIP: wrong datatype', () => infer(oipInput({ datatype: 'INT32', data: [5, 3, 1, 0] })), 400, 'INVALID_DTYPE'],
    ['OIP: shape/data mismatch', () => infer(oipInput({ shape: [2, 4] })), 400, 'INVALID_SHAPE'],
    ['OIP: wrong fixed dim', () => infer(oipInput({ shape: [1, 3], data: [1, 2, 3] })), 400, 'INVALID_SHAPE'],
    ['OIP: unknown input', () => infer(oipInput({ name: 'x' })), 400, 'UNKNOWN_INPUT'],
    ['OIP: unknown output', () => infer({ ...oipInput({}), outputs: [{ name: 'nope' }] }), 400, 'UNKNOWN_OUTPUT'],
    ['OIP: unknown model', () => infer(oipInput({}), '/v2/models/nope/infer'), 404, 'MODEL_NOT_FOUND'],
    ['unknown route', () => app.inject({ method: 'GET', url: '/nope' }), 404, 'ROUTE_NOT_FOUND'],
    ['signature named like an Object.prototype key', () => predict({ instances: [ROW], signature: 'constructor' }), 400, 'UNKNOWN_SIGNATURE'],
    ['signature "toString"', () => predict({ instances: [ROW], signature: 'toString' }), 400, 'UNKNOWN_SIGNATURE'],
    ['OIP: signature "hasOwnProperty"', () => infer({ ...oipInput({}), parameters: { signature: 'hasOwnProperty' } }), 400, 'UNKNOWN_SIGNATURE'],
    ['malformed URL encoding', () => app.inject({ method: 'GET', url: '/v1/models/%E0%A4%A/metadata' }), 400, 'INVALID_REQUEST'],
  ];

  it.each(cases)('%s → %i %s', async (_name, send, status, code) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    const body = res.json<{ error: string; code: string }>();
    expect(body.code).toBe(code);
    expect(typeof body.error).toBe('string');
    expect(body.error.length).toBeGreaterThan(0);
  });

  it('an oversized body is refused with 413 over a real socket', async () => {
    const small = await startTestServer([{ name: 'iris', path: path.join(FIXTURES, 'iris_svc.onnx') }], { server: { bodyLimit: 4096 } });
    try {
      const huge = JSON.stringify({ instances: Array.from({ length: 1000 }, () => ROW) });
      expect(huge.length).toBeGreaterThan(4096);
      const res = await fetch(`${small.url}/v1/models/iris/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('still serves correctly after all the bad input', async () => {
    const res = await predict({ instances: [ROW] });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ predictions: number[][] }>().predictions[0]?.[0]).toBeCloseTo(0.97093, 4);
  });
});
