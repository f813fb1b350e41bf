import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MlError } from '../../src/errors/ml-error.js';
import { loadFunctionModel } from '../../src/runtime/function/load.js';
import { buildSteps } from '../../src/processing/build.js';
import { runSteps } from '../../src/processing/run-steps.js';
import { createStepContext } from '../../src/processing/step.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// A model that owns a module-level resource, as real ones do (a session, a worker pool):
// dispose() closes it, and run() fails once it is closed.
const POOLED_BODY = `
const pool = { closed: false, runs: 0 };
const model = {
  signatures: {
    predict: {
      inputs: [{ name: 'x', dtype: 'float32', shape: [-1] }],
      outputs: [{ name: 'runs', dtype: 'int32', shape: [1] }],
    },
  },
  run() {
    if (pool.closed) throw new Error('pool closed');
    pool.runs += 1;
    return { runs: { dtype: 'int32', shape: [1], data: Int32Array.from([pool.runs]) } };
  },
  dispose() {
    pool.closed = true;
  },
};
`;

const x: Tensor = { dtype: 'float32', shape: [1], data: Float32Array.from([1]) };

async function runs(model: Awaited<ReturnType<typeof loadFunctionModel>>): Promise<number> {
  const out = await model.run({ x });
  return (out.runs?.data as Int32Array)[0] ?? NaN;
}

describe('loading the same module twice', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlpatterns-reload-'));
    await writeFile(join(dir, 'pooled.mjs'), `${POOLED_BODY}export default model;\n`);
    await writeFile(join(dir, 'pooled.ts'), `${POOLED_BODY}export default model;\n`);
    await writeFile(join(dir, 'pooled.cjs'), `${POOLED_BODY}module.exports = model;\n`);
    await writeFile(join(dir, 'step.mjs'), 'let calls = 0;\nexport default (ctx) => ({ ...ctx, extras: { ...ctx.extras, calls: [++calls] } });\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const file of ['pooled.mjs', 'pooled.ts', 'pooled.cjs']) {
    it(`gives each load its own module state (${file}): disposing one leaves the other working`, async () => {
      const a = await loadFunctionModel(join(dir, file));
      const b = await loadFunctionModel(join(dir, file));
      expect(await runs(a)).toBe(1);
      expect(await runs(a)).toBe(2);
      expect(await runs(b)).toBe(1); // not a's counter
      await a.dispose();
      const err: unknown = await a.run({ x }).catch((e: unknown) => e);
      expect((err as MlError).code).toBe('MODEL_NOT_READY');
      expect(await runs(b)).toBe(2); // b's pool is still open
      await b.dispose();
      // A reload after both are gone starts from scratch again.
      const c = await loadFunctionModel(join(dir, file));
      expect(await runs(c)).toBe(1);
      await c.dispose();
    });
  }

  it('gives each load of a module step its own module state', async () => {
    const build = () => buildSteps([{ type: 'module', path: 'step.mjs' }], { packageDir: dir, stage: 'pre' });
    const first = await build();
    await runSteps(first, createStepContext({}));
    expect((await runSteps(first, createStepContext({}))).extras.calls).toEqual([2]);
    const second = await build();
    expect((await runSteps(second, createStepContext({}))).extras.calls).toEqual([1]);
  });
});
