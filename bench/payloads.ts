import type { HttpRequestSpec } from './load-protocol.js';
import { mulberry32 } from './prng.js';
import { WIDE_FEATURES, WIDE_INPUT } from './wide-mlp.js';

/** The bundled iris package: served as "iris", input "features" float32 [-1, 4]. */
export const IRIS_NAME = 'iris';
export const IRIS_INPUT = 'features';
export const IRIS_ROW = [5.1, 3.5, 1.4, 0.2] as const;
/** The generated wide MLP is served as "wide". */
export const WIDE_NAME = 'wide';

export function liveRequest(): HttpRequestSpec {
  return { method: 'GET', path: '/v2/health/live', headers: {} };
}

/** `POST /v1/models/{name}/predict` with `{"instances": rows}`. */
export function friendlyRequest(model: string, rows: readonly (readonly number[])[]): HttpRequestSpec {
  return {
    method: 'POST',
    path: `/v1/models/${model}/predict`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: rows }),
  };
}

/** OIP v2 JSON: one FP32 input of shape [rows, width]. */
export function oipJsonRequest(model: string, input: string, rows: readonly (readonly number[])[]): HttpRequestSpec {
  const width = rows[0]?.length ?? 0;
  const body = { inputs: [{ name: input, datatype: 'FP32', shape: [rows.length, width], data: rows.flat() }] };
  return {
    method: 'POST',
    path: `/v2/models/${model}/infer`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/**
 * OIP binary tensor extension, both ways: a JSON header of
 * Inference-Header-Content-Length bytes, then the input's little-endian FP32
 * bytes; `binary_data_output` asks for raw output bytes too, as a Triton
 * binary client does, so neither direction goes through JSON numbers.
 */
export function oipBinaryRequest(model: string, input: string, rows: readonly (readonly number[])[]): HttpRequestSpec {
  const width = rows[0]?.length ?? 0;
  const values = Float32Array.from(rows.flat());
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeFloatLE(v, i * 4));
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: input, datatype: 'FP32', shape: [rows.length, width], parameters: { binary_data_size: data.length } }],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    method: 'POST',
    path: `/v2/models/${model}/infer`,
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    body: Buffer.concat([header, data]).toString('base64'),
    bodyEncoding: 'base64',
  };
}

/** One seeded row of the wide model's 256 features, the same on every run. */
function wideRow(): number[] {
  const random = mulberry32(7);
  return Array.from({ length: WIDE_FEATURES }, () => Math.round((random() * 2 - 1) * 1e4) / 1e4);
}

/** What the wide-MLP steps send: one row, friendly JSON (the route most clients use). */
export const WIDE_REQUEST = friendlyRequest(WIDE_NAME, [wideRow()]);
/** The same row through the OIP binary extension. */
export const WIDE_BINARY_REQUEST = oipBinaryRequest(WIDE_NAME, WIDE_INPUT, [wideRow()]);
