/**
 * Not a test: the figures behind the executor choice, printed for the record.
 *
 *   node --import tsx test/runtime-onnx/measure-executors.ts [runs]
 *
 * 1. The worker hop: iris (examples/iris/model.onnx) at batch 1, inline vs
 *    worker, median and tail of `runs` sequential runs (default 3000).
 * 2. Event-loop freedom: the wide MLP at batch 128, 20 runs, counting the
 *    setImmediate turns and 1 ms interval ticks the main thread managed meanwhile;
 *    then the same 20 runs with nothing else on the loop, for their wall time.
 * 3. Loading the wide MLP (9.5 MB): wall time, and the longest stretch the
 *    event loop did not turn.
 */
import { performance } from 'node:perf_hooks';
import { loadOnnxModel, type OnnxServingFunction } from '../../src/runtime/onnx/index.js';
import type { OnnxExecutor } from '../../src/runtime/onnx/session-options.js';
import type { NamedTensors } from '../../src/tensor/tensor.js';
import { wideInput, wideMlpBytes } from './helpers/wide-mlp.js';

const RUNS = Number(process.argv[2] ?? 3000);
const EXECUTORS: readonly OnnxExecutor[] = ['inline', 'worker'];

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

async function timeRuns(model: OnnxServingFunction, inputs: NamedTensors, runs: number): Promise<number[]> {
  const us: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await model.run(inputs);
    us.push((performance.now() - start) * 1000);
  }
  return us.sort((a, b) => a - b);
}

async function hop(): Promise<void> {
  const inputs: NamedTensors = { features: { dtype: 'float32', shape: [1, 4], data: new Float32Array([0.1, -0.2, 0.3, 0.4]) } };
  const medians: Partial<Record<OnnxExecutor, number>> = {};
  for (const executor of EXECUTORS) {
    const model = await loadOnnxModel('examples/iris/model.onnx', { session: { executor } });
    await timeRuns(model, inputs, 500);
    const us = await timeRuns(model, inputs, RUNS);
    await model.dispose();
    medians[executor] = quantile(us, 0.5);
    const fmt = (q: number): string => quantile(us, q).toFixed(1);
    console.log(`iris batch 1, ${executor.padEnd(6)}: median ${fmt(0.5)} µs, p90 ${fmt(0.9)} µs, p99 ${fmt(0.99)} µs (${RUNS} runs)`);
  }
  console.log(`worker hop (median difference): ${((medians.worker ?? 0) - (medians.inline ?? 0)).toFixed(1)} µs`);
}

async function loopFreedom(): Promise<void> {
  const bytes = wideMlpBytes();
  const inputs = wideInput(128);
  for (const executor of EXECUTORS) {
    const model = await loadOnnxModel(bytes, { session: { executor } });
    await timeRuns(model, inputs, 3);
    let turns = 0;
    let ticks = 0;
    let counting = true;
    const turn = (): void => {
      if (!counting) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const interval = setInterval(() => ticks++, 1);
    const start = performance.now();
    await timeRuns(model, inputs, 20);
    const busyMs = performance.now() - start;
    counting = false;
    clearInterval(interval);
    const quiet = await timeRuns(model, inputs, 20);
    const quietMs = quiet.reduce((a, b) => a + b, 0) / 1000;
    await model.dispose();
    console.log(
      `wide MLP batch 128 x20, ${executor.padEnd(6)}: ${turns} setImmediate turns, ${ticks} 1 ms-interval ticks in ${busyMs.toFixed(0)} ms;` +
        ` alone: ${quietMs.toFixed(0)} ms (median run ${(quantile(quiet, 0.5) / 1000).toFixed(2)} ms)`,
    );
  }
}

async function loadStall(): Promise<void> {
  const bytes = wideMlpBytes();
  for (const executor of EXECUTORS) {
    let last = performance.now();
    let longest = 0;
    let watching = true;
    const turn = (): void => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (watching) setImmediate(turn);
    };
    setImmediate(turn);
    const start = performance.now();
    const model = await loadOnnxModel(bytes, { session: { executor } });
    const loadMs = performance.now() - start;
    watching = false;
    await model.dispose();
    console.log(`load wide MLP, ${executor.padEnd(6)}: ${loadMs.toFixed(0)} ms, longest event-loop stall ${longest.toFixed(1)} ms`);
  }
}

await hop();
await loopFreedom();
await loadStall();
