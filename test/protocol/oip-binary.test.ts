import { describe, it, expect } from 'vitest';
import type { DType, NamedTensors, Tensor } from '../../src/tensor/tensor.js';
import { toOipDatatype } from '../../src/tensor/dtype.js';
import { decodeBinaryInferRequest, encodeBinaryInferResponse } from '../../src/protocol/oip-binary.js';
import { JSON_OUTPUTS, type BinaryOutputSelection } from '../../src/protocol/oip-types.js';
import { expectMlError } from './expect-ml-error.js';

/**
 * Request bodies are built the way tritonclient.http does it
 * (`_get_inference_request`): the request dict dumped compactly by rapidjson
 * (keys in insertion order: id, inputs, outputs, parameters; per input: name,
 * shape, datatype, parameters, data), then each binary input's bytes
 * (`ndarray.tobytes()` / `serialize_byte_tensor`) in input order, with
 * Inference-Header-Content-Length = len(json).
 */
function tritonBody(headerJson: string, ...chunks: Buffer[]): { body: Buffer; headerLength: number } {
  const header = Buffer.from(headerJson, 'utf8');
  return { body: Buffer.concat([header, ...chunks]), headerLength: header.length };
}

function float32LE(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}

/** tritonclient.utils.serialize_byte_tensor: per element a uint32 LE length then the bytes. */
function serializeByteTensor(values: string[]): Buffer {
  return Buffer.concat(
    values.flatMap((v) => {
      const bytes = Buffer.from(v, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length);
      return [len, bytes];
    }),
  );
}

interface ParsedOutput {
  datatype: string;
  shape: number[];
  data?: unknown[];
  bytes?: Buffer;
}

/** Reads a response the way tritonclient's InferResult does: walk outputs, summing binary_data_size. */
function parseLikeTritonclient(body: Buffer, headerLength: number): { header: object; outputs: Map<string, ParsedOutput> } {
  const header = JSON.parse(body.subarray(0, headerLength).toString('utf8')) as {
    outputs: { name: string; datatype: string; shape: number[]; data?: unknown[]; parameters?: { binary_data_size?: number } }[];
  };
  const buffer = body.subarray(headerLength);
  let index = 0;
  const outputs = new Map<string, ParsedOutput>();
  for (const o of header.outputs) {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) {
      outputs.set(o.name, { datatype: o.datatype, shape: o.shape, ...(o.data ? { data: o.data } : {}) });
    } else {
      outputs.set(o.name, { datatype: o.datatype, shape: o.shape, bytes: buffer.subarray(index, index + size) });
      index += size;
    }
  }
  expect(index).toBe(buffer.length);
  return { header, outputs };
}

describe('decodeBinaryInferRequest', () => {
  it('decodes an FP32 binary input with mixed binary/JSON outputs, byte for byte as tritonclient sends it', () => {
    // InferInput('INPUT0', [2, 2], 'FP32').set_data_from_numpy(x); InferRequestedOutput('OUTPUT0'),
    // InferRequestedOutput('OUTPUT1', binary_data=False); client.infer(..., request_id='1').
    const { body, headerLength } = tritonBody(
      '{"id":"1","inputs":[{"name":"INPUT0","shape":[2,2],"datatype":"FP32","parameters":{"binary_data_size":16}}],' +
        '"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}},{"name":"OUTPUT1","parameters":{"binary_data":false}}]}',
      float32LE([1.5, -2, 3.25, 1e-3]),
    );
    const req = decodeBinaryInferRequest(body, headerLength);
    expect(req.id).toBe('1');
    expect(req.inputs.INPUT0).toEqual({ dtype: 'float32', shape: [2, 2], data: new Float32Array([1.5, -2, 3.25, 1e-3]) });
    expect(req.requestedOutputs).toEqual(['OUTPUT0', 'OUTPUT1']);
    expect([...req.binaryOutputs]).toEqual(['OUTPUT0']);
    expect([...req.jsonOutputs]).toEqual(['OUTPUT1']);
    expect(req.binaryOutputAll).toBe(false);
  });

  it('reads binary_data_output, which tritonclient sets when no outputs are named', () => {
    const { body, headerLength } = tritonBody(
      '{"inputs":[{"name":"INPUT0","shape":[1,2],"datatype":"INT32","parameters":{"binary_data_size":8}}],"parameters":{"binary_data_output":true}}',
      Buffer.from([7, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    );
    const req = decodeBinaryInferRequest(body, headerLength);
    expect(req.inputs.INPUT0?.data).toEqual(new Int32Array([7, -1]));
    expect(req.binaryOutputAll).toBe(true);
    expect(req.requestedOutputs).toBeUndefined();
  });

  it('decodes BYTES and BOOL binary inputs alongside a JSON input, in input order', () => {
    const text = serializeByteTensor(['hello', 'wörld']);
    const { body, headerLength } = tritonBody(
      `{"inputs":[{"name":"TEXT","shape":[2,1],"datatype":"BYTES","parameters":{"binary_data_size":${text.length}}},` +
        '{"name":"SCALE","shape":[1],"datatype":"FP64","data":[0.5]},' +
        '{"name":"MASK","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}}]}',
      text,
      Buffer.from([1, 0, 1]),
    );
    const req = decodeBinaryInferRequest(body, headerLength);
    expect(req.inputs.TEXT).toEqual({ dtype: 'string', shape: [2, 1], data: ['hello', 'wörld'] });
    expect(req.inputs.SCALE?.data).toEqual(new Float64Array([0.5]));
    expect(req.inputs.MASK?.data).toEqual(new Uint8Array([1, 0, 1]));
  });

  it('keeps FP16 as raw bits', () => {
    const bits = Buffer.alloc(4);
    bits.writeUInt16LE(0x3c00, 0);
    bits.writeUInt16LE(0xc000, 2);
    const { body, headerLength } = tritonBody('{"inputs":[{"name":"H","shape":[2],"datatype":"FP16","parameters":{"binary_data_size":4}}]}', bits);
    expect(decodeBinaryInferRequest(body, headerLength).inputs.H?.data).toEqual(new Uint16Array([0x3c00, 0xc000]));
  });

  it('decodes an unaligned body slice (the Buffer may sit anywhere in a pooled ArrayBuffer)', () => {
    const { body, headerLength } = tritonBody(
      '{"inputs":[{"name":"D","shape":[1],"datatype":"FP64","parameters":{"binary_data_size":8}}]}', // odd header length
      Buffer.from(new Float64Array([Math.PI]).buffer),
    );
    const padded = Buffer.concat([Buffer.from([0]), body]).subarray(1);
    expect(padded.byteOffset % 8).not.toBe(0);
    expect(decodeBinaryInferRequest(padded, headerLength).inputs.D?.data).toEqual(new Float64Array([Math.PI]));
  });

  it('accepts a body that is all JSON header (no binary inputs)', () => {
    const { body, headerLength } = tritonBody('{"inputs":[{"name":"X","shape":[2],"datatype":"INT8","data":[-1,1]}]}');
    expect(decodeBinaryInferRequest(body, headerLength).inputs.X?.data).toEqual(new Int8Array([-1, 1]));
  });

  describe('rejects', () => {
    const fp32Header = (size: number, shape = '[2]'): string =>
      `{"inputs":[{"name":"X","shape":${shape},"datatype":"FP32","parameters":{"binary_data_size":${size}}}]}`;

    it('a header length beyond the body', () => {
      const { body } = tritonBody(fp32Header(8), float32LE([1, 2]));
      expectMlError(() => decodeBinaryInferRequest(body, body.length + 1), 'INVALID_BINARY_PAYLOAD', 'but the body has only');
    });

    it('a header length that is not a positive integer', () => {
      const { body } = tritonBody(fp32Header(8), float32LE([1, 2]));
      expectMlError(() => decodeBinaryInferRequest(body, 0), 'INVALID_BINARY_PAYLOAD', 'must be a positive integer, got 0');
      expectMlError(() => decodeBinaryInferRequest(body, Number.NaN), 'INVALID_BINARY_PAYLOAD', 'got NaN');
    });

    it('a header that is not JSON (e.g. a wrong header length)', () => {
      const { body, headerLength } = tritonBody(fp32Header(8), float32LE([1, 2]));
      expectMlError(() => decodeBinaryInferRequest(body, headerLength - 3), 'INVALID_BINARY_PAYLOAD', 'is not valid JSON');
    });

    it('binary_data_size values that overrun the body', () => {
      const { body, headerLength } = tritonBody(fp32Header(12), float32LE([1, 2]));
      expectMlError(
        () => decodeBinaryInferRequest(body, headerLength),
        'INVALID_BINARY_PAYLOAD',
        'input "X" declares binary_data_size 12 but only 8 bytes of binary data remain',
      );
    });

    it('bytes left over after the last binary input', () => {
      const { body, headerLength } = tritonBody(fp32Header(8), float32LE([1, 2, 3]));
      expectMlError(() => decodeBinaryInferRequest(body, headerLength), 'INVALID_BINARY_PAYLOAD', 'add up to 8 bytes but 12 bytes follow');
    });

    it('a size that does not match shape x element width', () => {
      const { body, headerLength } = tritonBody(fp32Header(8, '[3]'), float32LE([1, 2]));
      expectMlError(
        () => decodeBinaryInferRequest(body, headerLength),
        'INVALID_BINARY_PAYLOAD',
        'input "X" (FP32, shape [3]) needs 12 bytes but binary_data_size is 8',
      );
    });

    it('BOOL bytes other than 0 and 1', () => {
      const { body, headerLength } = tritonBody(
        '{"inputs":[{"name":"B","shape":[2],"datatype":"BOOL","parameters":{"binary_data_size":2}}]}',
        Buffer.from([1, 2]),
      );
      expectMlError(() => decodeBinaryInferRequest(body, headerLength), 'INVALID_BINARY_PAYLOAD', 'BOOL element 1 of input "B" is byte 2');
    });

    const bytesCase = (chunk: Buffer, shape = '[1]'): { body: Buffer; headerLength: number } =>
      tritonBody(`{"inputs":[{"name":"S","shape":${shape},"datatype":"BYTES","parameters":{"binary_data_size":${chunk.length}}}]}`, chunk);

    it('BYTES elements cut off, overrunning, left over, too few, or not UTF-8', () => {
      let c = bytesCase(Buffer.concat([serializeByteTensor(['ab']), Buffer.from([1, 0])]), '[2]');
      expectMlError(() => decodeBinaryInferRequest(c.body, c.headerLength), 'INVALID_BINARY_PAYLOAD', 'element 1 is cut off before its 4-byte length');
      c = bytesCase(Buffer.from([9, 0, 0, 0, 0x61]));
      expectMlError(() => decodeBinaryInferRequest(c.body, c.headerLength), 'INVALID_BINARY_PAYLOAD', 'element 0 declares 9 bytes but only 1 remain');
      c = bytesCase(Buffer.concat([serializeByteTensor(['ab']), Buffer.from([0])]));
      expectMlError(() => decodeBinaryInferRequest(c.body, c.headerLength), 'INVALID_BINARY_PAYLOAD', '1 byte left over after the last element');
      c = bytesCase(serializeByteTensor(['ab']), '[1000]');
      expectMlError(() => decodeBinaryInferRequest(c.body, c.headerLength), 'INVALID_BINARY_PAYLOAD', 'too small for 1000 length prefixes');
      c = bytesCase(Buffer.from([2, 0, 0, 0, 0xc3, 0x28]));
      expectMlError(() => decodeBinaryInferRequest(c.body, c.headerLength), 'INVALID_BINARY_PAYLOAD', 'element 0 is not valid UTF-8');
    });

    it('structural request errors with the JSON codes', () => {
      const c = tritonBody('{"inputs":[{"name":"X","shape":[1],"datatype":"FP32"}]}');
      expectMlError(() => decodeBinaryInferRequest(c.body, c.headerLength), 'MISSING_FIELD', '"inputs[0].data"');
    });
  });
});

describe('encodeBinaryInferResponse', () => {
  const outputs: NamedTensors = {
    OUTPUT0: { dtype: 'float32', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    OUTPUT1: { dtype: 'int64', shape: [2], data: new BigInt64Array([5n, -(2n ** 62n)]) },
    LABELS: { dtype: 'string', shape: [2], data: ['cat', 'naïve'] },
  };
  const selection = (over: Partial<BinaryOutputSelection>): BinaryOutputSelection => ({ ...JSON_OUTPUTS, ...over });

  it('appends binary outputs after the JSON header and keeps the others JSON', () => {
    const { body, headerLength, hasBinaryData } = encodeBinaryInferResponse(
      { modelName: 'm', modelVersion: '1', id: 'r', outputs },
      selection({ binaryOutputs: new Set(['OUTPUT0', 'LABELS']) }),
    );
    expect(hasBinaryData).toBe(true);
    const { header, outputs: parsed } = parseLikeTritonclient(body, headerLength);
    expect(header).toMatchObject({ model_name: 'm', model_version: '1', id: 'r' });
    expect(parsed.get('OUTPUT0')).toEqual({ datatype: 'FP32', shape: [3, 2], bytes: float32LE([1, 2, 3, 4, 5, 6]) });
    expect(parsed.get('OUTPUT1')).toEqual({ datatype: 'INT64', shape: [2], data: [5, '-4611686018427387904'] });
    expect(parsed.get('LABELS')).toEqual({ datatype: 'BYTES', shape: [2], bytes: serializeByteTensor(['cat', 'naïve']) });
    const rawHeader = JSON.parse(body.subarray(0, headerLength).toString()) as { outputs: Record<string, unknown>[] };
    expect(rawHeader.outputs[0]).toEqual({ name: 'OUTPUT0', datatype: 'FP32', shape: [3, 2], parameters: { binary_data_size: 24 } });
  });

  it('applies binary_data_output with per-output binary_data: false overrides', () => {
    const { body, headerLength } = encodeBinaryInferResponse(
      { modelName: 'm', modelVersion: '1', outputs, order: ['OUTPUT1', 'OUTPUT0'] },
      selection({ binaryOutputAll: true, jsonOutputs: new Set(['OUTPUT0']) }),
    );
    const { outputs: parsed } = parseLikeTritonclient(body, headerLength);
    expect([...parsed.keys()]).toEqual(['OUTPUT1', 'OUTPUT0']);
    const int64 = Buffer.alloc(16);
    int64.writeBigInt64LE(5n, 0);
    int64.writeBigInt64LE(-(2n ** 62n), 8);
    expect(parsed.get('OUTPUT1')?.bytes).toEqual(int64);
    expect(parsed.get('OUTPUT0')?.data).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns plain JSON when nothing is binary', () => {
    const res = encodeBinaryInferResponse({ modelName: 'm', modelVersion: '1', outputs }, JSON_OUTPUTS);
    expect(res.hasBinaryData).toBe(false);
    expect(res.headerLength).toBe(res.body.length);
    expect((JSON.parse(res.body.toString()) as { outputs: unknown[] }).outputs).toHaveLength(3);
  });

  it('rejects an order naming a missing output', () => {
    expectMlError(
      () => encodeBinaryInferResponse({ modelName: 'm', modelVersion: '1', outputs, order: ['nope'] }, JSON_OUTPUTS),
      'UNKNOWN_OUTPUT',
    );
  });
});

describe('binary round trip of every dtype', () => {
  const tensors: Record<DType, Tensor> = {
    float32: { dtype: 'float32', shape: [2, 2], data: new Float32Array([0.5, -1.25, 3e38, -0]) },
    float64: { dtype: 'float64', shape: [3], data: new Float64Array([0.1, -1e300, Math.PI]) },
    float16: { dtype: 'float16', shape: [2], data: new Uint16Array([0x3c00, 0x7bff]) },
    int8: { dtype: 'int8', shape: [2], data: new Int8Array([-128, 127]) },
    int16: { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) },
    int32: { dtype: 'int32', shape: [2], data: new Int32Array([-2147483648, 2147483647]) },
    int64: { dtype: 'int64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
    uint8: { dtype: 'uint8', shape: [2], data: new Uint8Array([0, 255]) },
    uint16: { dtype: 'uint16', shape: [2], data: new Uint16Array([0, 65535]) },
    uint32: { dtype: 'uint32', shape: [2], data: new Uint32Array([0, 4294967295]) },
    uint64: { dtype: 'uint64', shape: [2], data: new BigUint64Array([0n, 2n ** 64n - 1n]) },
    bool: { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
    string: { dtype: 'string', shape: [3, 1], data: ['', 'a', '𝄞 emoji'] },
  };

  it('response bytes fed back as a tritonclient request decode to the same tensors', () => {
    const { body, headerLength } = encodeBinaryInferResponse(
      { modelName: 'm', modelVersion: '1', outputs: tensors },
      { ...JSON_OUTPUTS, binaryOutputAll: true },
    );
    const { outputs: parsed } = parseLikeTritonclient(body, headerLength);
    const inputs = [...parsed].map(([name, o]) => ({
      name,
      shape: o.shape,
      datatype: o.datatype,
      parameters: { binary_data_size: o.bytes?.length },
    }));
    const request = tritonBody(JSON.stringify({ inputs }), ...[...parsed.values()].map((o) => o.bytes ?? Buffer.alloc(0)));
    const decoded = decodeBinaryInferRequest(request.body, request.headerLength);
    for (const [dtype, tensor] of Object.entries(tensors)) {
      expect(decoded.inputs[dtype], dtype).toEqual(tensor);
      expect(parsed.get(dtype)?.datatype).toBe(toOipDatatype(tensor.dtype));
    }
  });
});
