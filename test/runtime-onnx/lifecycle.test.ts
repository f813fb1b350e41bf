import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MlError } from '../../src/errors/ml-error.js';
import { loadOnnxModel, workerPoolOf, type OnnxServingFunction } from '../../src/runtime/onnx/onnx-serving-function.js';
import type { OrtWorkerPool } from '../../src/runtime/onnx/worker/ort-worker-pool.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { referenceModelPath } from '../onnx/helpers/reference-models.js';
import { expectMlError, settled, valuesOf } from './helpers/assertions.js';
import { runNode } from './helpers/node-child.js';
import { wideInput, wideMlpBytes } from './helpers/wide-mlp.js';

const IRIS = referenceModelPath('iris_svc');
const iris = (): { float_input: Tensor } => ({ float_input: { dtype: 'float32', shape: [1, 4], data: new Float32Array([5.1, 3.5, 1.4, 0.2]) } });

function poolOf(model: OnnxServingFunction): OrtWorkerPool {
  const pool = workerPoolOf(model);
  if (pool === undefined) throw new Error('not a worker-backed model');
  return pool;
}

async function withModel(source: string | Uint8Array, workerThreads: number, body: (model: OnnxServingFunction) => Promise<void>): Promise<void> {
  const model = await loadOnnxModel(source, { name: 'm', session: { executor: 'worker', workerThreads } });
  try {
    await body(model);
  } finally {
    await model.dispose();
  }
}

describe('dispose', () => {
  it('ends every thread', async () => {
    const model = await loadOnnxModel(IRIS, { session: { executor: 'worker', workerThreads: 3 } });
    const pool = poolOf(model);
    expect(pool.liveWorkers).toBe(3);
    await model.run(iris());
    await model.dispose();
    expect(pool.liveWorkers).toBe(0);
    await model.dispose(); // again, once ended: a no-op
    await expectMlError(model.run(iris()), 'MODEL_NOT_READY');
  });

  it('lets the runs in progress and queued finish first', async () => {
    const model = await loadOnnxModel(wideMlpBytes(), { session: { executor: 'worker' } });
    const pool = poolOf(model);
    const runs = [model.run(wideInput(256)), model.run(wideInput(256)), model.run(wideInput(1))];
    expect(pool.queued).toBe(2);
    await model.dispose();
    const results = await Promise.all(runs);
    expect(results.map((r) => r.logits?.shape)).toEqual([[256, 10], [256, 10], [1, 10]]);
    expect(pool.liveWorkers).toBe(0);
  });

  it('a second call while the first waits gives up on pending runs: INFERENCE_FAILED at once', async () => {
    const model = await loadOnnxModel(wideMlpBytes(), { name: 'wide', session: { executor: 'worker' } });
    const pool = poolOf(model);
    const running = settled(model.run(wideInput(2048)));
    const queued = settled(model.run(wideInput(1)));
    const first = model.dispose();
    await model.dispose();
    await first;
    expect(pool.liveWorkers).toBe(0);
    for (const outcome of [await running, await queued]) {
      expect(outcome.status).toBe('rejected');
      const err = (outcome as PromiseRejectedResult).reason as MlError;
      expect(err.code).toBe('INFERENCE_FAILED');
      expect(err.params).toMatchObject({ name: 'wide', reason: 'the onnxruntime worker pool was disposed during the run' });
    }
  });
});

describe('the process can exit', () => {
  const script = fileURLToPath(new URL('./fixtures/load-run-exit.ts', import.meta.url));

  // From the TypeScript sources, as vitest and tsx run them; the deadline only catches a hang.
  it.each(['dispose', '--no-dispose'])('after load, run and %s, by itself', async (mode) => {
    const result = await runNode(['--import', 'tsx'], script, [IRIS, mode], 20_000);
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ran 1x3\n');
  });

  it('when exit is called while a thread is inside onnxruntime, with the code asked for', async () => {
    const exitWhileRunning = fileURLToPath(new URL('./fixtures/exit-while-running.ts', import.meta.url));
    const result = await runNode(['--import', 'tsx'], exitWhileRunning, [], 30_000);
    expect(result.stderr).not.toContain('terminate called');
    expect(result.code).toBe(3);
  });

  // `npm test` builds before running vitest; the compiled worker entry is ort-worker.js.
  const dist = fileURLToPath(new URL('../../dist/runtime/onnx/index.js', import.meta.url));
  it.skipIf(!existsSync(fileURLToPath(new URL('../../dist/runtime/onnx/worker/ort-worker.js', import.meta.url))))(
    'from the compiled build (dist/)',
    async () => {
      const code = [
        `const { loadOnnxModel } = await import(${JSON.stringify(dist)});`,
        `const model = await loadOnnxModel(${JSON.stringify(IRIS)}, { session: { executor: "worker" } });`,
        `const out = await model.run({ float_input: { dtype: 'float32', shape: [1, 4], data: new Float32Array([5.1, 3.5, 1.4, 0.2]) } });`,
        `await model.dispose();`,
        `console.log(model.executor, out.output_probability.shape.join('x'));`,
      ].join('\n');
      const result = await runNode(['--input-type=module', '-e'], code, [], 20_000);
      expect(result.timedOut).toBe(false);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('worker 1x3\n');
      expect(result.code).toBe(0);
    },
  );
});

describe('a worker that dies', () => {
  it('fails its run with INFERENCE_FAILED; the next run succeeds on a replacement', async () => {
    await withModel(wideMlpBytes(), 1, async (model) => {
      const pool = poolOf(model);
      // The thread dies before it takes the run dispatched to it right after.
      const died = pool.crashWorkerForTest(0);
      const crashed = settled(model.run(wideInput(512)));
      const queued = model.run(wideInput(2));
      await died;
      const outcome = await crashed;
      expect(outcome.status).toBe('rejected');
      const err = (outcome as PromiseRejectedResult).reason as MlError;
      expect(err.code).toBe('INFERENCE_FAILED');
      expect(err.params).toMatchObject({ name: 'm', reason: 'onnxruntime worker thread died: crash requested by a test' });
      // The queued run waited for the replacement instead of failing.
      expect((await queued).logits?.shape).toEqual([2, 10]);
      expect((await model.run(wideInput(3))).logits?.shape).toEqual([3, 10]);
      expect(pool.liveWorkers).toBe(1);
    });
  });

  it('while idle is replaced too', async () => {
    await withModel(IRIS, 2, async (model) => {
      const pool = poolOf(model);
      await Promise.all([pool.crashWorkerForTest(1), pool.crashWorkerForTest(0)]);
      expect((await model.run(iris())).output_probability?.shape).toEqual([1, 3]);
      expect(pool.liveWorkers).toBe(2);
    });
  });
});

describe('workerThreads', () => {
  it('2 threads run two batches at once; 1 thread queues the second', async () => {
    for (const threads of [1, 2]) {
      await withModel(wideMlpBytes(), threads, async (model) => {
        const pool = poolOf(model);
        const runs = [model.run(wideInput(256, 1)), model.run(wideInput(256, 2))];
        expect({ busy: pool.busyWorkers, queued: pool.queued }).toEqual(threads === 2 ? { busy: 2, queued: 0 } : { busy: 1, queued: 1 });
        const [a, b] = await Promise.all(runs);
        expect(a?.logits?.shape).toEqual([256, 10]);
        // Different inputs, different answers: each reply went to its own caller.
        expect(valuesOf(a?.logits)).not.toEqual(valuesOf(b?.logits));
        expect(pool.busyWorkers).toBe(0);
      });
    }
  });

  it('each thread holds its own session: results agree whichever thread ran', async () => {
    await withModel(IRIS, 2, async (model) => {
      const outs = await Promise.all(Array.from({ length: 8 }, () => model.run(iris())));
      for (const out of outs) expect(valuesOf(out.output_probability)).toEqual(valuesOf(outs[0]?.output_probability));
    });
  });
});
