import { describe, it, expect } from 'vitest';
import type { NamedTensors, Signature, TensorSpec } from '../../src/tensor/tensor.js';
import { decodePredictRequest, instancesToTensors, tensorsToPredictions } from '../../src/protocol/friendly.js';
import { validateInputs } from '../../src/protocol/validate.js';
import { expectMlError } from './expect-ml-error.js';

const features: TensorSpec = { name: 'features', dtype: 'float32', shape: [-1, 4] };

describe('decodePredictRequest', () => {
  it('reads instances, keys, signature and parameters', () => {
    const req = decodePredictRequest({
      instances: [[1, 2, 3, 4], [5, 6, 7, 8]],
      keys: ['a', 7],
      signature: 'proba',
      parameters: { top_k: 2 },
    });
    expect(req).toEqual({ instances: [[1, 2, 3, 4], [5, 6, 7, 8]], keys: ['a', 7], signature: 'proba', parameters: { top_k: 2 } });
  });

  it('accepts the batch under "inputs" as KServe v1 does', () => {
    expect(decodePredictRequest({ inputs: [1, 2] }).instances).toEqual([1, 2]);
  });

  it('omits absent optional fields', () => {
    expect(decodePredictRequest({ instances: [1] })).toEqual({ instances: [1] });
  });

  const cases: [string, unknown, Parameters<typeof expectMlError>[1], string][] = [
    ['a non-object body', 'x', 'INVALID_REQUEST', 'the body must be a JSON object, got string'],
    ['missing instances', { keys: [] }, 'MISSING_FIELD', 'Request is missing the required field "instances"'],
    ['non-array instances', { instances: { a: 1 } }, 'MISSING_FIELD', '"instances"'],
    ['columnar inputs', { inputs: { x: [1] } }, 'INVALID_REQUEST', 'columnar format is not supported'],
    ['both instances and inputs', { instances: [1], inputs: [1] }, 'INVALID_REQUEST', 'not both'],
    ['an empty batch', { instances: [] }, 'EMPTY_BATCH', 'The batch is empty'],
    ['too few keys', { instances: [1, 2, 3], keys: ['a'] }, 'KEYS_LENGTH_MISMATCH', '"keys" has 1 entries but the batch has 3 instances'],
    ['non-array keys', { instances: [1], keys: 'a' }, 'INVALID_REQUEST', '"keys" must be an array'],
    ['boolean keys', { instances: [1, 2], keys: ['a', true] }, 'INVALID_REQUEST', 'keys[1] must be a string or a number, got boolean'],
    ['null keys', { instances: [1], keys: [null] }, 'INVALID_REQUEST', 'keys[0] must be a string or a number, got null'],
    ['object keys', { instances: [1], keys: [{}] }, 'INVALID_REQUEST', 'got object'],
    ['a non-string signature', { instances: [1], signature: 3 }, 'INVALID_REQUEST', '"signature" must be a non-empty string'],
    ['non-object parameters', { instances: [1], parameters: [1] }, 'INVALID_REQUEST', '"parameters" must be an object'],
  ];
  for (const [what, body, code, message] of cases) {
    it(`rejects ${what}`, () => {
      expectMlError(() => decodePredictRequest(body), code, message);
    });
  }
});

describe('instancesToTensors', () => {
  it('batches rows of a single input', () => {
    const t = instancesToTensors([[1, 2, 3, 4], [5, 6, 7, 8]], [features]);
    expect(t).toEqual({ features: { dtype: 'float32', shape: [2, 4], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) } });
  });

  it('batches scalars, strings and nested rows', () => {
    expect(instancesToTensors([1, 2, 3], [{ name: 'x', dtype: 'int64', shape: [-1] }]).x).toEqual({
      dtype: 'int64',
      shape: [3],
      data: new BigInt64Array([1n, 2n, 3n]),
    });
    expect(instancesToTensors(['a', 'b'], [{ name: 's', dtype: 'string', shape: [-1] }]).s).toEqual({ dtype: 'string', shape: [2], data: ['a', 'b'] });
    const img = instancesToTensors([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [{ name: 'img', dtype: 'uint8', shape: [-1, 2, 2] }]).img;
    expect(img?.shape).toEqual([2, 2, 2]);
    expect(img?.data).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  });

  it('adds or drops trailing 1s to reach the spec rank', () => {
    expect(instancesToTensors(['a', 'b'], [{ name: 's', dtype: 'string', shape: [-1, 1] }]).s?.shape).toEqual([2, 1]);
    expect(instancesToTensors([[1], [2]], [{ name: 'x', dtype: 'float32', shape: [-1] }]).x?.shape).toEqual([2]);
    // Anything other than 1s is left for validateInputs to report.
    expect(instancesToTensors([1, 2], [features]).features?.shape).toEqual([2]);
  });

  it('names the instance whose shape differs from instance 0', () => {
    expectMlError(
      () => instancesToTensors([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]], [features]),
      'INVALID_SHAPE',
      'Input "features": instance 2 has shape [3] but instance 0 has [4]',
    );
    expectMlError(() => instancesToTensors([[1, 2], 3], [features]), 'INVALID_SHAPE', 'instance 1 has shape [] but instance 0 has [2]');
  });

  it('reports raggedness inside an instance', () => {
    expectMlError(
      () => instancesToTensors([[[1, 2], [3, 4]], [[1, 2], [3]]], [{ name: 'm', dtype: 'float32', shape: [-1, 2, 2] }]),
      'INVALID_SHAPE',
      'instance 1[1] has 1 element, expected 2',
    );
  });

  it('names the element and instance of a bad value', () => {
    expectMlError(
      () => instancesToTensors([[1, 2, 3, 4], [1, 2, 'x', 4]], [features]),
      'INVALID_DTYPE',
      'expected numbers, got string at element 2 of instance 1',
    );
    expectMlError(
      () => instancesToTensors([[1, 2, 3, 4], [1, Number.NaN, 3, 4]], [features]),
      'NON_FINITE_NUMBER',
      'at element 1 of instance 1',
    );
  });

  const multi: TensorSpec[] = [
    { name: 'age', dtype: 'float32', shape: [-1] },
    { name: 'tokens', dtype: 'int32', shape: [-1, 3] },
  ];

  it('batches keyed instances for several inputs', () => {
    const t = instancesToTensors(
      [
        { age: 30, tokens: [1, 2, 3] },
        { tokens: [4, 5, 6], age: 40 },
      ],
      multi,
    );
    expect(t.age).toEqual({ dtype: 'float32', shape: [2], data: new Float32Array([30, 40]) });
    expect(t.tokens).toEqual({ dtype: 'int32', shape: [2, 3], data: new Int32Array([1, 2, 3, 4, 5, 6]) });
  });

  it('accepts keyed instances for a single input too', () => {
    expect(instancesToTensors([{ features: [1, 2, 3, 4] }], [features]).features?.shape).toEqual([1, 4]);
  });

  it('rejects missing, unknown and non-object keyed instances', () => {
    expectMlError(() => instancesToTensors([{ age: 1, tokens: [1, 2, 3] }, { age: 2 }], multi), 'MISSING_INPUT', 'Missing input "tokens"');
    expectMlError(
      () => instancesToTensors([{ age: 1, tokens: [1, 2, 3], extra: 1 }], multi),
      'UNKNOWN_INPUT',
      'Unknown input "extra"; the signature takes: age, tokens',
    );
    expectMlError(() => instancesToTensors([{ age: 1, tokens: [1, 2, 3] }, [1]], multi), 'INVALID_REQUEST', 'instance 1 must be an object keyed by input name');
    expectMlError(() => instancesToTensors([[1, 2]], multi), 'INVALID_REQUEST', 'instance 0 must be an object');
    expectMlError(() => instancesToTensors([{ age: 1, tokens: [1, 2, 3] }], [...multi, { name: 'constructor', dtype: 'float32', shape: [-1] }]), 'MISSING_INPUT', '"constructor"');
  });

  it('rejects an empty batch', () => {
    expectMlError(() => instancesToTensors([], [features]), 'EMPTY_BATCH');
  });

  it('feeds validateInputs end to end', () => {
    const signature: Signature = { name: 's', inputs: [features], outputs: [] };
    const req = decodePredictRequest({ instances: [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]] });
    expect(() => validateInputs(instancesToTensors(req.instances, signature.inputs), signature)).not.toThrow();
    const bad = instancesToTensors([[1, 2, 3]], signature.inputs);
    expectMlError(() => validateInputs(bad, signature), 'INVALID_SHAPE', 'expected shape [-1,4], got [1,3]');
  });
});

describe('tensorsToPredictions', () => {
  const outputs: NamedTensors = {
    label: { dtype: 'int64', shape: [2], data: new BigInt64Array([0n, 2n]) },
    probabilities: { dtype: 'float32', shape: [2, 3], data: new Float32Array([0.5, 0.25, 0.25, 0, 0, 1]) },
    grid: { dtype: 'bool', shape: [2, 1, 2], data: new Uint8Array([1, 0, 0, 1]) },
  };

  it('gives one scalar per instance for a [N] output', () => {
    expect(tensorsToPredictions(outputs, ['label'])).toEqual([0, 2]);
  });

  it('gives one row per instance for a [N, ...] output', () => {
    expect(tensorsToPredictions(outputs, ['probabilities'])).toEqual([[0.5, 0.25, 0.25], [0, 0, 1]]);
    expect(tensorsToPredictions(outputs, ['grid'])).toEqual([[[true, false]], [[false, true]]]);
  });

  it('gives an object per instance when several outputs are asked for', () => {
    expect(tensorsToPredictions(outputs, ['label', 'probabilities'])).toEqual([
      { label: 0, probabilities: [0.5, 0.25, 0.25] },
      { label: 2, probabilities: [0, 0, 1] },
    ]);
  });

  it('rejects unknown outputs and outputs that cannot be split per instance', () => {
    expectMlError(() => tensorsToPredictions(outputs, ['logits']), 'UNKNOWN_OUTPUT', 'Unknown output "logits"');
    const mismatched: NamedTensors = { ...outputs, other: { dtype: 'float32', shape: [3], data: new Float32Array(3) } };
    expectMlError(() => tensorsToPredictions(mismatched, ['label', 'other']), 'INTERNAL', 'output "other" has batch size 3, expected 2');
    const scalar: NamedTensors = { s: { dtype: 'float32', shape: [], data: new Float32Array(1) } };
    expectMlError(() => tensorsToPredictions(scalar, ['s']), 'INTERNAL', 'no batch dimension');
    expectMlError(() => tensorsToPredictions(outputs, []), 'INTERNAL');
  });
});
