import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import { defineFunctionModel, type FunctionRunContext } from '../../src/runtime/function/define.js';
import { createFunctionModel } from '../../src/runtime/function/function-model.js';
import type { NamedTensors, Tensor } from '../../src/tensor/tensor.js';

const x: Tensor = { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) };
const spec = (name: string, dtype: Tensor['dtype'] = 'float32', shape = [-1]) => ({ name, dtype, shape });

/** A model whose run returns whatever `result` gives, recording the context it got. */
function modelReturning(result: () => unknown, calls: FunctionRunContext[] = []) {
  return createFunctionModel(
    defineFunctionModel({
      signatures: {
        first: { inputs: [spec('x')], outputs: [spec('y')] },
        second: { inputs: [spec('x')], outputs: [spec('y'), spec('z', 'uint8', [-1, 2])], default: true },
      },
      run: (_inputs: NamedTensors, ctx) => {
        calls.push(ctx);
        return result() as NamedTensors;
      },
    }),
    'demo',
  );
}

async function failure(promise: Promise<unknown>): Promise<MlError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlError);
  return err as MlError;
}

describe('createFunctionModel', () => {
  it('defaults to the signature marked default and passes signature and outputs to run', async () => {
    const calls: FunctionRunContext[] = [];
    const model = modelReturning(
      () => ({
        y: x,
        z: { dtype: 'uint8', shape: [1, 2], data: Buffer.from([1, 0]) },
        extra: x,
      }),
      calls,
    );
    expect(model.defaultSignature).toBe('second');
    const out = await model.run({ x });
    expect(Object.keys(out)).toEqual(['y', 'z']); // extra outputs dropped
    await model.run({ x }, { signature: 'first' });
    await model.run({ x }, { outputs: ['z'] });
    expect(calls).toEqual([
      { signature: 'second', outputs: ['y', 'z'] },
      { signature: 'first', outputs: ['y'] },
      { signature: 'second', outputs: ['z'] },
    ]);
  });

  it('checks outputs against their specs', async () => {
    const cases: [unknown, string][] = [
      [null, 'run() must return an object of named tensors'],
      [{}, 'run() did not return output "y"'],
      [{ y: 3 }, 'output "y": is not a tensor ({ dtype, shape, data })'],
      [{ y: { ...x, dtype: 'float64' } }, 'output "y": dtype is float64, the signature says float32'],
      [{ y: { ...x, shape: [1, 2] } }, "output \"y\": shape [1, 2] does not match the signature's [-1]"],
      [{ y: { ...x, shape: [3] } }, 'output "y": data has 2 values but shape [3] needs 3'],
      [{ y: { ...x, shape: [-2] } }, 'output "y": shape must be a list of non-negative integers'],
      [{ y: { ...x, data: [1, 2] } }, 'output "y": data must be a Float32Array for float32'],
    ];
    for (const [result, reason] of cases) {
      const err = await failure(modelReturning(() => result).run({ x }, { signature: 'first' }));
      expect(err.code).toBe('INFERENCE_FAILED');
      expect(err.params).toEqual({ name: 'demo', reason });
    }
  });

  it('wraps a rejected promise from run', async () => {
    const model = createFunctionModel(
      { signatures: { s: { inputs: [spec('x')], outputs: [spec('y')] } }, run: () => Promise.reject(new Error('async boom')) },
      'demo',
    );
    const err = await failure(model.run({ x }));
    expect(err.params).toEqual({ name: 'demo', reason: 'async boom' });
  });

  it('disposes once, even when called twice, and refuses runs afterwards', async () => {
    let disposals = 0;
    const model = createFunctionModel(
      {
        signatures: { s: { inputs: [spec('x')], outputs: [spec('y')] } },
        run: (inputs) => ({ y: inputs.x ?? x }),
        dispose: async () => {
          disposals++;
        },
      },
      'demo',
    );
    expect(Object.keys(await model.run({ x }))).toEqual(['y']);
    await Promise.all([model.dispose(), model.dispose()]);
    expect(disposals).toBe(1);
    const err = await failure(model.run({ x }));
    expect(err.code).toBe('MODEL_NOT_READY');
  });

  it('does not resolve inherited keys as signatures', async () => {
    const err = await failure(modelReturning(() => ({})).run({ x }, { signature: 'toString' }));
    expect(err.code).toBe('UNKNOWN_SIGNATURE');
  });
});
