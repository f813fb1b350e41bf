import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel, type OnnxServingFunction } from '../../src/runtime/onnx/onnx-serving-function.js';
import type { OnnxExecutor } from '../../src/runtime/onnx/session-options.js';
import { wideInput, wideMlpBytes } from './helpers/wide-mlp.js';

/**
 * "Inference never blocks the event loop for other requests": while the wide
 * MLP computes a long batch, the main thread keeps turning. Counted in
 * setImmediate turns, not wall time, so that a slow machine makes the gap wider,
 * not flakier: inline, the loop turns about once per run (onnxruntime-node's own
 * setImmediate before its synchronous run); with a worker, it turns freely the
 * whole time (thousands of turns per run here).
 */

const RUNS = 10;
const ROWS = 256;

/** How many times the event loop turned while `work` ran. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let counting = true;
  const turn = (): void => {
    if (!counting) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  await work();
  counting = false;
  return turns;
}

async function runs(model: OnnxServingFunction): Promise<number> {
  const inputs = wideInput(ROWS);
  await model.run(inputs); // warm-up: first-run allocations are not what is measured
  return turnsDuring(async () => {
    for (let i = 0; i < RUNS; i++) await model.run(inputs);
  });
}

describe.each<OnnxExecutor>(['inline', 'worker'])('event loop during %s runs', (executor) => {
  let model: OnnxServingFunction;
  beforeAll(async () => {
    model = await loadOnnxModel(wideMlpBytes(), { session: { executor } });
  });
  afterAll(() => model.dispose());

  it(executor === 'inline' ? 'turns about once per run: blocked while computing' : 'keeps turning while the worker computes', async () => {
    const turns = await runs(model);
    if (executor === 'inline') expect(turns).toBeLessThanOrEqual(2 * RUNS + 2);
    else expect(turns).toBeGreaterThanOrEqual(20 * RUNS);
  });
});

describe('a timer set during a worker run', () => {
  it('fires before the run ends', async () => {
    const model = await loadOnnxModel(wideMlpBytes(), { session: { executor: 'worker' } });
    try {
      const inputs = wideInput(1024);
      await model.run(wideInput(1));
      const events: string[] = [];
      const run = model.run(inputs).then(() => events.push('run done'));
      setTimeout(() => events.push('timer'), 0);
      await run;
      // A 1024-row batch takes milliseconds; a 0 ms timer (1 ms in Node) fires while it runs.
      expect(events).toEqual(['timer', 'run done']);
    } finally {
      await model.dispose();
    }
  });
});

describe('loading the wide MLP (9.5 MB)', () => {
  // Inline, decoding (prepareForServing) and session creation block the loop for
  // tens of milliseconds in a few long stretches; with workers both happen in threads.
  it.each<[OnnxExecutor, (turns: number) => void]>([
    ['inline', (turns) => expect(turns).toBeLessThanOrEqual(10)],
    ['worker', (turns) => expect(turns).toBeGreaterThanOrEqual(100)],
  ])('%s', async (executor, check) => {
    const bytes = wideMlpBytes();
    let model: OnnxServingFunction | undefined;
    const turns = await turnsDuring(async () => {
      model = await loadOnnxModel(bytes, { session: { executor } });
    });
    await model?.dispose();
    check(turns);
  });
});
