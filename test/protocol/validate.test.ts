import { describe, it, expect } from 'vitest';
import type { Signature, Tensor } from '../../src/tensor/tensor.js';
import { validateInputs, validateOutputs, validateTensor } from '../../src/protocol/validate.js';
import { expectMlError } from './expect-ml-error.js';

const signature: Signature = {
  name: 'serving_default',
  inputs: [
    { name: 'features', dtype: 'float32', shape: [-1, 4] },
    { name: 'ids', dtype: 'int64', shape: [-1] },
  ],
  outputs: [
    { name: 'label', dtype: 'int64', shape: [-1] },
    { name: 'probabilities', dtype: 'float32', shape: [-1, 3] },
  ],
};

const features = (shape: number[], data: number[]): Tensor => ({ dtype: 'float32', shape, data: new Float32Array(data) });
const ids = (values: bigint[]): Tensor => ({ dtype: 'int64', shape: [values.length], data: new BigInt64Array(values) });

describe('validateInputs', () => {
  it('accepts tensors that match the signature', () => {
    expect(() =>
      validateInputs({ features: features([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]), ids: ids([1n, 2n]) }, signature),
    ).not.toThrow();
  });

  it('rejects an unknown input and lists the expected ones', () => {
    const err = expectMlError(
      () => validateInputs({ feature: features([1, 4], [1, 2, 3, 4]), ids: ids([1n]) }, signature),
      'UNKNOWN_INPUT',
      'Unknown input "feature"; the signature takes: features, ids',
    );
    expect(err.status).toBe(400);
  });

  it('rejects a missing input', () => {
    expectMlError(() => validateInputs({ features: features([1, 4], [1, 2, 3, 4]) }, signature), 'MISSING_INPUT', 'Missing input "ids"');
  });

  it('does not mistake prototype properties for inputs', () => {
    const sig: Signature = { ...signature, inputs: [{ name: 'constructor', dtype: 'float32', shape: [-1] }] };
    expectMlError(() => validateInputs({}, sig), 'MISSING_INPUT', '"constructor"');
  });

  it('rejects a dtype mismatch with a readable reason', () => {
    const asInt: Tensor = { dtype: 'int32', shape: [1, 4], data: new Int32Array(4) };
    expectMlError(
      () => validateInputs({ features: asInt, ids: ids([1n]) }, signature),
      'INVALID_DTYPE',
      'Input "features": expected float32 (FP32), got int32 (INT32)',
    );
  });

  it('rejects data stored in the wrong typed array for its dtype', () => {
    const wrong: Tensor = { dtype: 'float32', shape: [1, 4], data: new Float64Array(4) };
    expectMlError(() => validateInputs({ features: wrong, ids: ids([1n]) }, signature), 'INVALID_DTYPE', 'Float64Array');
  });

  it('rejects a fixed dimension mismatch', () => {
    expectMlError(
      () => validateInputs({ features: features([2, 5], new Array<number>(10).fill(0)), ids: ids([1n, 2n]) }, signature),
      'INVALID_SHAPE',
      'Input "features": expected shape [-1,4], got [2,5]',
    );
  });

  it('rejects a rank mismatch', () => {
    expectMlError(
      () => validateInputs({ features: features([4], [1, 2, 3, 4]), ids: ids([1n]) }, signature),
      'INVALID_SHAPE',
      'expected shape [-1,4], got [4]',
    );
  });

  it('rejects data whose length is not the product of the shape', () => {
    expectMlError(
      () => validateInputs({ features: features([2, 4], [1, 2, 3, 4]), ids: ids([1n, 2n]) }, signature),
      'INVALID_SHAPE',
      'shape [2,4] has 8 elements but the data has 4',
    );
  });

  it('rejects negative or fractional dimensions', () => {
    expectMlError(
      () => validateTensor({ dtype: 'float32', shape: [-1, 4], data: new Float32Array(4) }, { name: 'x', dtype: 'float32', shape: [-1, 4] }),
      'INVALID_SHAPE',
      'non-negative integers',
    );
  });

  it('rejects an empty batch', () => {
    expectMlError(
      () => validateInputs({ features: features([0, 4], []), ids: ids([]) }, signature),
      'EMPTY_BATCH',
    );
  });

  it('rejects NaN and Infinity with the element index', () => {
    expectMlError(
      () => validateInputs({ features: features([1, 4], [1, 2, Number.NaN, 4]), ids: ids([1n]) }, signature),
      'NON_FINITE_NUMBER',
      'Input "features" contains a non-finite number (NaN or Infinity) at element 2',
    );
    const f64: Tensor = { dtype: 'float64', shape: [3], data: new Float64Array([0, 1, -Infinity]) };
    expectMlError(() => validateTensor(f64, { name: 'x', dtype: 'float64', shape: [-1] }), 'NON_FINITE_NUMBER', 'at element 2');
  });

  it('rejects non-finite float16 bit patterns', () => {
    const f16: Tensor = { dtype: 'float16', shape: [3], data: new Uint16Array([0x3c00, 0x7c00, 0]) };
    expectMlError(() => validateTensor(f16, { name: 'h', dtype: 'float16', shape: [-1] }), 'NON_FINITE_NUMBER', 'at element 1');
    const nan: Tensor = { dtype: 'float16', shape: [1], data: new Uint16Array([0xfe00]) };
    expectMlError(() => validateTensor(nan, { name: 'h', dtype: 'float16', shape: [-1] }), 'NON_FINITE_NUMBER', 'at element 0');
  });

  it('accepts scalars and fully fixed shapes', () => {
    expect(() =>
      validateTensor({ dtype: 'string', shape: [], data: ['a'] }, { name: 's', dtype: 'string', shape: [] }),
    ).not.toThrow();
    expect(() =>
      validateTensor({ dtype: 'bool', shape: [2, 2], data: new Uint8Array(4) }, { name: 'b', dtype: 'bool', shape: [2, 2] }),
    ).not.toThrow();
  });
});

describe('validateOutputs', () => {
  it('accepts known outputs and rejects unknown ones', () => {
    expect(() => validateOutputs(['label'], signature)).not.toThrow();
    expectMlError(
      () => validateOutputs(['label', 'logits'], signature),
      'UNKNOWN_OUTPUT',
      'Unknown output "logits"; the model returns: label, probabilities',
    );
  });
});
