import { describe, expect, it } from 'vitest';
import type { Signature, Tensor } from '../../src/tensor/tensor.js';
import { decodeBinaryInferRequest } from '../../src/protocol/oip-binary.js';
import { decodeInferRequest } from '../../src/protocol/oip-json.js';
import { instancesToTensors } from '../../src/protocol/instances.js';
import { validateInputs, validateTensor } from '../../src/protocol/validate.js';
import { expectMlError } from './expect-ml-error.js';

function binaryBody(header: object, data: Uint8Array, headerPad = 0): { body: Buffer; headerLength: number } {
  // Spaces after the JSON move where the binary data starts, to test (mis)alignment.
  const json = Buffer.from(JSON.stringify(header) + ' '.repeat(headerPad), 'utf8');
  return { body: Buffer.concat([json, data]), headerLength: json.length };
}

/** A binary request for one FP32 input [n] whose data starts `misalign` bytes past a multiple of 4 in `body.buffer`. */
function fp32Request(values: number[], misalign: number): { body: Buffer; headerLength: number } {
  const data = new Uint8Array(new Float32Array(values).buffer);
  const header = { inputs: [{ name: 'x', shape: [values.length], datatype: 'FP32', parameters: { binary_data_size: data.length } }] };
  const base = Buffer.from(JSON.stringify(header), 'utf8').length;
  // Place the body at offset 0 of its own ArrayBuffer, then pad the header so the data lands where wanted.
  const pad = (4 - (base % 4) + misalign) % 4;
  const { body, headerLength } = binaryBody(header, data, pad);
  const own = new Uint8Array(new ArrayBuffer(body.length));
  own.set(body);
  return { body: Buffer.from(own.buffer), headerLength };
}

describe('OIP input names that are Object.prototype keys', () => {
  const sig: Signature = {
    name: 's',
    inputs: [{ name: 'x', dtype: 'float32', shape: [-1] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [-1] }],
  };

  it('keeps an input named "__proto__" as an input (JSON), so validation names it', () => {
    const req = decodeInferRequest({
      inputs: [
        { name: 'x', shape: [1], datatype: 'FP32', data: [1] },
        { name: '__proto__', shape: [1], datatype: 'FP32', data: [2] },
      ],
    });
    expect(Object.keys(req.inputs).sort()).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(req.inputs)).toBeNull();
    expectMlError(() => validateInputs(req.inputs, sig), 'UNKNOWN_INPUT', '"__proto__"');
  });

  it('keeps an input named "__proto__" as an input (binary)', () => {
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: '__proto__', shape: [1], datatype: 'UINT8', parameters: { binary_data_size: 1 } }] },
      Uint8Array.from([7]),
    );
    const req = decodeBinaryInferRequest(body, headerLength);
    expect(Object.keys(req.inputs)).toEqual(['__proto__']);
    const tensor = Object.getOwnPropertyDescriptor(req.inputs, '__proto__')?.value as Tensor | undefined;
    expect(Array.from(tensor?.data as Uint8Array)).toEqual([7]);
    expectMlError(() => validateInputs(req.inputs, sig), 'UNKNOWN_INPUT', '"__proto__"');
  });

  it('serves a model whose input really is named "__proto__" or "constructor"', () => {
    const odd: Signature = {
      name: 's',
      inputs: [
        { name: '__proto__', dtype: 'float32', shape: [-1] },
        { name: 'constructor', dtype: 'float32', shape: [-1] },
      ],
      outputs: [],
    };
    const req = decodeInferRequest({
      inputs: [
        { name: '__proto__', shape: [1], datatype: 'FP32', data: [1] },
        { name: 'constructor', shape: [1], datatype: 'FP32', data: [2] },
      ],
    });
    expect(() => validateInputs(req.inputs, odd)).not.toThrow();
    const tensors = instancesToTensors(JSON.parse('[{"__proto__": 1, "constructor": 2}]') as unknown[], odd.inputs);
    expect(Object.keys(tensors)).toEqual(['__proto__', 'constructor']);
    expect(() => validateInputs(tensors, odd)).not.toThrow();
  });
});

describe('binary inputs: zero-copy when aligned', () => {
  it('views the request body in place when the data is aligned for its dtype', () => {
    const { body, headerLength } = fp32Request([1.5, -2, 3], 0);
    const data = decodeBinaryInferRequest(body, headerLength).inputs.x?.data as Float32Array;
    expect(Array.from(data)).toEqual([1.5, -2, 3]);
    expect(data.buffer).toBe(body.buffer);
    expect(data.byteOffset).toBe(body.byteOffset + headerLength);
  });

  it('copies only when the data is misaligned', () => {
    for (const misalign of [1, 2, 3]) {
      const { body, headerLength } = fp32Request([1.5, -2, 3], misalign);
      const data = decodeBinaryInferRequest(body, headerLength).inputs.x?.data as Float32Array;
      expect(Array.from(data)).toEqual([1.5, -2, 3]);
      expect(data.buffer).not.toBe(body.buffer);
    }
  });

  it('views one-byte dtypes in place wherever they start, and still checks BOOL bytes', () => {
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: 'b', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }] },
      Uint8Array.from([1, 0, 1]),
      1,
    );
    const data = decodeBinaryInferRequest(body, headerLength).inputs.b?.data as Uint8Array;
    expect(Array.from(data)).toEqual([1, 0, 1]);
    expect(data.buffer).toBe(body.buffer);
    const bad = binaryBody(
      { inputs: [{ name: 'b', shape: [2], datatype: 'BOOL', parameters: { binary_data_size: 2 } }] },
      Uint8Array.from([1, 2]),
    );
    expectMlError(() => decodeBinaryInferRequest(bad.body, bad.headerLength), 'INVALID_BINARY_PAYLOAD', 'byte 2');
  });
});

describe('NaN/Infinity checks', () => {
  const spec = { name: 'x', dtype: 'float32', shape: [-1] } as const;

  it('trusts data filled from JSON (which rejected non-finite values as it read them) and does not scan it again', () => {
    const req = decodeInferRequest({ inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1, 2] }] });
    const tensor = req.inputs.x;
    if (tensor === undefined) throw new Error('no tensor');
    // Not something a request can do: written afterwards, to show that no second scan runs.
    (tensor.data as Float32Array)[1] = Number.NaN;
    expect(() => validateTensor(tensor, spec)).not.toThrow();
    const friendly = instancesToTensors([1, 2], [spec]).x;
    if (friendly === undefined) throw new Error('no tensor');
    (friendly.data as Float32Array)[0] = Number.POSITIVE_INFINITY;
    expect(() => validateTensor(friendly, spec)).not.toThrow();
  });

  it('still rejects JSON numbers that overflow float32', () => {
    expectMlError(
      () => decodeInferRequest({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1e39] }] }),
      'NON_FINITE_NUMBER',
    );
  });

  it('still scans binary inputs and tensors built in code', () => {
    const { body, headerLength } = fp32Request([1, Number.NaN], 0);
    const req = decodeBinaryInferRequest(body, headerLength);
    expectMlError(() => validateInputs(req.inputs, { name: 's', inputs: [spec], outputs: [] }), 'NON_FINITE_NUMBER', 'at element 1');
    const misaligned = fp32Request([Number.POSITIVE_INFINITY], 3);
    const copied = decodeBinaryInferRequest(misaligned.body, misaligned.headerLength).inputs.x;
    if (copied === undefined) throw new Error('no tensor');
    expectMlError(() => validateTensor(copied, spec), 'NON_FINITE_NUMBER', 'at element 0');
    expectMlError(() => validateTensor({ dtype: 'float32', shape: [1], data: Float32Array.from([Number.NaN]) }, spec), 'NON_FINITE_NUMBER');
  });
});
