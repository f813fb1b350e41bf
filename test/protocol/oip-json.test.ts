import { describe, it, expect } from 'vitest';
import type { Tensor } from '../../src/tensor/tensor.js';
import { decodeInferRequest, encodeInferResponse } from '../../src/protocol/oip-json.js';
import { isBinaryOutput, wantsBinaryOutputs } from '../../src/protocol/oip-types.js';
import { expectMlError } from './expect-ml-error.js';

const fp32 = (name: string, shape: number[], data: unknown): Record<string, unknown> => ({ name, shape, datatype: 'FP32', data });

describe('decodeInferRequest', () => {
  it('decodes the KServe v2 example with nested data', () => {
    const req = decodeInferRequest({
      inputs: [{ name: 'input-0', shape: [2, 4], datatype: 'FP32', data: [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]] }],
    });
    const t = req.inputs['input-0'];
    expect(t?.dtype).toBe('float32');
    expect(t?.shape).toEqual([2, 4]);
    expect(Array.from(t?.data as Float32Array)).toEqual(Array.from(new Float32Array([6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6])));
    expect(req.requestedOutputs).toBeUndefined();
    expect(req.id).toBeUndefined();
    expect(wantsBinaryOutputs(req, ['anything'])).toBe(false);
  });

  it('keeps id, parameters, signature, requested outputs and binary choices', () => {
    const req = decodeInferRequest({
      id: 'req-1',
      parameters: { binary_data_output: true, signature: 'embed', custom: 3 },
      inputs: [
        { name: 'ids', shape: [3], datatype: 'INT64', data: [1, '9007199254740993', 3] },
        { name: 'text', shape: [1], datatype: 'BYTES', data: ['hello'], parameters: {} },
      ],
      outputs: [{ name: 'a', parameters: { binary_data: false } }, { name: 'b' }, { name: 'c', parameters: { binary_data: true } }],
    });
    expect(req.id).toBe('req-1');
    expect(req.signature).toBe('embed');
    expect(req.parameters).toEqual({ binary_data_output: true, signature: 'embed', custom: 3 });
    expect(Object.keys(req.inputs)).toEqual(['ids', 'text']);
    expect(Array.from(req.inputs.ids?.data as BigInt64Array)).toEqual([1n, 9007199254740993n, 3n]);
    expect(req.inputs.text?.data).toEqual(['hello']);
    expect(req.requestedOutputs).toEqual(['a', 'b', 'c']);
    expect(req.binaryOutputAll).toBe(true);
    expect([...req.binaryOutputs]).toEqual(['c']);
    expect([...req.jsonOutputs]).toEqual(['a']);
    expect(['a', 'b', 'c'].map((n) => isBinaryOutput(req, n))).toEqual([false, true, true]);
  });

  it('treats an empty outputs list as all outputs', () => {
    expect(decodeInferRequest({ inputs: [fp32('x', [1], [1])], outputs: [] }).requestedOutputs).toBeUndefined();
  });

  it('accepts lowercase datatypes and every protocol datatype', () => {
    const req = decodeInferRequest({
      inputs: [
        { name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] },
        { name: 'u8', shape: [1], datatype: 'uint8', data: [255] },
        { name: 'h', shape: [1], datatype: 'FP16', data: [1] },
        { name: 'd', shape: [1], datatype: 'FP64', data: [0.1] },
      ],
    });
    expect(req.inputs.b?.data).toEqual(new Uint8Array([1, 0]));
    expect(req.inputs.u8?.dtype).toBe('uint8');
    expect(req.inputs.h?.data).toEqual(new Uint16Array([0x3c00]));
    expect(req.inputs.d?.data).toEqual(new Float64Array([0.1]));
  });

  it('gives the tensor the declared shape even for flat data', () => {
    const req = decodeInferRequest({ inputs: [fp32('x', [2, 2], [1, 2, 3, 4])] });
    expect(req.inputs.x?.shape).toEqual([2, 2]);
  });

  describe('rejects', () => {
    const cases: [string, unknown, string, string][] = [
      ['a non-object body', [1], 'INVALID_REQUEST', 'the body must be a JSON object, got array'],
      ['missing inputs', { id: 'x' }, 'INVALID_REQUEST', '"inputs" is required'],
      ['non-array inputs', { inputs: {} }, 'INVALID_REQUEST', '"inputs" must be an array'],
      ['empty inputs', { inputs: [] }, 'INVALID_REQUEST', 'at least one input'],
      ['a non-object input', { inputs: [7] }, 'INVALID_REQUEST', 'inputs[0] must be an object'],
      ['a missing name', { inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }, 'MISSING_FIELD', '"inputs[0].name"'],
      ['an empty name', { inputs: [{ name: '', shape: [1], datatype: 'FP32', data: [1] }] }, 'INVALID_REQUEST', 'non-empty string'],
      ['a missing datatype', { inputs: [{ name: 'x', shape: [1], data: [1] }] }, 'MISSING_FIELD', '"inputs[0].datatype"'],
      ['an unknown datatype', { inputs: [{ name: 'x', shape: [1], datatype: 'BF16', data: [1] }] }, 'INVALID_DTYPE', 'unknown datatype "BF16"; supported: FP32'],
      ['a missing shape', { inputs: [{ name: 'x', datatype: 'FP32', data: [1] }] }, 'MISSING_FIELD', '"inputs[0].shape"'],
      ['a negative dimension', { inputs: [fp32('x', [-1], [1])] }, 'INVALID_SHAPE', 'non-negative integers, got [-1]'],
      ['a non-array shape', { inputs: [{ ...fp32('x', [1], [1]), shape: '1' }] }, 'INVALID_SHAPE', 'got "1"'],
      ['missing data', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] }, 'MISSING_FIELD', '"inputs[0].data"'],
      ['non-array data', { inputs: [fp32('x', [], 1)] }, 'INVALID_REQUEST', 'inputs[0].data must be an array'],
      ['data not matching the shape', { inputs: [fp32('x', [2, 3], [1, 2, 3, 4, 5])] }, 'INVALID_SHAPE', 'Input "x": shape [2,3] has 6 elements but data has 5'],
      ['nested data not matching the shape', { inputs: [fp32('x', [3], [[1, 2], [3, 4]])] }, 'INVALID_SHAPE', 'has 3 elements but data has 4 (nested as [2,2])'],
      ['ragged data', { inputs: [fp32('x', [2, 2], [[1, 2], [3]])] }, 'INVALID_SHAPE', 'data[1] has 1 element, expected 2'],
      ['wrongly typed data', { inputs: [fp32('x', [4], [1, 2, 3, '4'])] }, 'INVALID_DTYPE', 'Input "x": expected numbers, got string at element 3'],
      ['a duplicate input', { inputs: [fp32('x', [1], [1]), fp32('x', [1], [2])] }, 'INVALID_REQUEST', 'input "x" appears more than once'],
      ['binary_data_size in a JSON body', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }, 'INVALID_BINARY_PAYLOAD', 'Inference-Header-Content-Length'],
      ['both data and binary_data_size', { inputs: [{ ...fp32('x', [1], [1]), parameters: { binary_data_size: 4 } }] }, 'INVALID_REQUEST', 'both "data" and binary_data_size'],
      ['a bad binary_data_size', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: -4 } }] }, 'INVALID_BINARY_PAYLOAD', 'binary_data_size must be a non-negative integer, got -4'],
      ['shared memory inputs', { inputs: [{ ...fp32('x', [1], [1]), parameters: { shared_memory_region: 'r' } }] }, 'INVALID_REQUEST', 'shared memory'],
      ['a non-string id', { id: 5, inputs: [fp32('x', [1], [1])] }, 'INVALID_REQUEST', '"id" must be a string'],
      ['non-object parameters', { parameters: [], inputs: [fp32('x', [1], [1])] }, 'INVALID_REQUEST', '"parameters" must be an object'],
      ['a non-boolean binary_data_output', { parameters: { binary_data_output: 'yes' }, inputs: [fp32('x', [1], [1])] }, 'INVALID_REQUEST', 'binary_data_output" must be true or false'],
      ['a non-string signature', { parameters: { signature: 1 }, inputs: [fp32('x', [1], [1])] }, 'INVALID_REQUEST', '"parameters.signature" must be a non-empty string'],
      ['non-array outputs', { inputs: [fp32('x', [1], [1])], outputs: 'y' }, 'INVALID_REQUEST', '"outputs" must be an array'],
      ['an output without name', { inputs: [fp32('x', [1], [1])], outputs: [{}] }, 'MISSING_FIELD', '"outputs[0].name"'],
      ['a duplicate output', { inputs: [fp32('x', [1], [1])], outputs: [{ name: 'y' }, { name: 'y' }] }, 'INVALID_REQUEST', 'output "y" appears more than once'],
      ['a non-boolean binary_data', { inputs: [fp32('x', [1], [1])], outputs: [{ name: 'y', parameters: { binary_data: 1 } }] }, 'INVALID_REQUEST', 'outputs[0].parameters.binary_data must be true or false'],
      ['classification outputs', { inputs: [fp32('x', [1], [1])], outputs: [{ name: 'y', parameters: { classification: 3 } }] }, 'INVALID_REQUEST', 'classification'],
      ['non-finite numbers', { inputs: [fp32('x', [1], [Number.NaN])] }, 'NON_FINITE_NUMBER', 'at element 0'],
    ];
    for (const [what, body, code, message] of cases) {
      it(what, () => {
        expectMlError(() => decodeInferRequest(body), code as Parameters<typeof expectMlError>[1], message);
      });
    }
  });
});

describe('encodeInferResponse', () => {
  const outputs: Record<string, Tensor> = {
    label: { dtype: 'int64', shape: [2], data: new BigInt64Array([1n, 2n ** 60n]) },
    probabilities: { dtype: 'float32', shape: [2, 2], data: new Float32Array([0.25, 0.75, 0.5, 0.5]) },
    flags: { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
  };

  it('encodes every output with flat data and protocol datatypes', () => {
    const res = encodeInferResponse({ modelName: 'iris', modelVersion: '3', id: 'req-1', outputs });
    expect(res).toEqual({
      model_name: 'iris',
      model_version: '3',
      id: 'req-1',
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [2], data: [1, '1152921504606846976'] },
        { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.25, 0.75, 0.5, 0.5] },
        { name: 'flags', datatype: 'BOOL', shape: [2], data: [true, false] },
      ],
    });
  });

  it('follows the requested order, omits an absent id, and keeps parameters', () => {
    const res = encodeInferResponse({ modelName: 'm', modelVersion: '1', outputs, order: ['flags', 'label'], parameters: { a: 1 } });
    expect('id' in res).toBe(false);
    expect(res.parameters).toEqual({ a: 1 });
    expect(res.outputs.map((o) => o.name)).toEqual(['flags', 'label']);
  });

  it('rejects an order naming an output the model did not return', () => {
    expectMlError(
      () => encodeInferResponse({ modelName: 'm', modelVersion: '1', outputs, order: ['logits'] }),
      'UNKNOWN_OUTPUT',
      'Unknown output "logits"; the model returns: label, probabilities, flags',
    );
  });

  it('round-trips through JSON text back into the same tensors', () => {
    const res = JSON.parse(JSON.stringify(encodeInferResponse({ modelName: 'm', modelVersion: '1', outputs }))) as {
      outputs: Record<string, unknown>[];
    };
    const req = decodeInferRequest({ inputs: res.outputs });
    expect(req.inputs).toEqual(outputs);
  });
});
