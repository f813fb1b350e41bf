import { expect } from 'vitest';
import { MlError } from '../../src/errors/ml-error.js';
import type { BatchKey, BatchRunner } from '../../src/serving/batching/index.js';
import type { NamedTensors, Tensor } from '../../src/tensor/tensor.js';

/** Options with a delay so long that only fullness (or close) dispatches. */
export const NEVER_BY_TIME = 600_000_000; // 10 minutes, in µs

export interface Call {
  readonly inputs: NamedTensors;
  readonly key: BatchKey;
  /** Rows of the execution (dim 0 of the first input). */
  readonly rows: number;
  release(): void;
  fail(error: Error): void;
}

/**
 * A runner whose executions wait for the test to release them, computing
 * their outputs with `model` then. Lets tests observe queues and concurrency
 * at exact points without sleeping.
 */
export class GatedRunner {
  readonly calls: Call[] = [];
  running = 0;
  maxRunning = 0;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly model: (inputs: NamedTensors, key: BatchKey) => NamedTensors = rowwiseModel) {}

  readonly run: BatchRunner = (inputs, key) =>
    new Promise<NamedTensors>((resolve, reject) => {
      this.running++;
      this.maxRunning = Math.max(this.maxRunning, this.running);
      const settle = (): void => {
        this.running--;
      };
      this.calls.push({
        inputs,
        key,
        rows: rowsOf(inputs),
        release: () => {
          settle();
          try {
            resolve(this.model(inputs, key));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      });
      this.waiters = this.waiters.filter((w) => {
        if (this.calls.length < w.count) return true;
        w.resolve();
        return false;
      });
    });

  /** Resolves once `count` executions have started in total. */
  waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  call(index: number): Call {
    const call = this.calls[index];
    if (call === undefined) throw new Error(`no execution #${index} (have ${this.calls.length})`);
    return call;
  }

  /** Rows of every execution so far, in order. */
  get batchRows(): number[] {
    return this.calls.map((c) => c.rows);
  }
}

/** A runner that answers as soon as it is called (on the next microtask), counting executions. */
export function immediateRunner(model: (inputs: NamedTensors, key: BatchKey) => NamedTensors = rowwiseModel): BatchRunner & {
  readonly calls: NamedTensors[];
} {
  const calls: NamedTensors[] = [];
  const run = async (inputs: NamedTensors, key: BatchKey): Promise<NamedTensors> => {
    calls.push(inputs);
    return model(inputs, key);
  };
  return Object.assign(run, { calls });
}

export function rowsOf(inputs: NamedTensors): number {
  for (const t of Object.values(inputs)) return t.shape[0] ?? 0;
  return 0;
}

/**
 * A batch-independent model: every output row depends only on the same input
 * row, so a merged execution must give exactly the unbatched results.
 * For each input `x` it returns `x.out` (same shape, element-wise transform)
 * and `x.sum` (float64 [N], the sum of each row).
 */
export function rowwiseModel(inputs: NamedTensors): NamedTensors {
  const out: NamedTensors = {};
  for (const [name, t] of Object.entries(inputs)) {
    const rows = t.shape[0] ?? 0;
    const perRow = rows === 0 ? 0 : t.data.length / rows;
    const sums = new Float64Array(rows);
    let data: Tensor['data'];
    if (Array.isArray(t.data)) {
      data = t.data.map((s) => `${s}!`);
      t.data.forEach((s, i) => addTo(sums, Math.floor(i / perRow), s.length));
    } else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
      const src = t.data;
      const mapped = src instanceof BigInt64Array ? new BigInt64Array(src.length) : new BigUint64Array(src.length);
      src.forEach((v: bigint, i: number) => {
        mapped[i] = v * 3n + 1n;
        addTo(sums, Math.floor(i / perRow), Number(v));
      });
      data = mapped;
    } else {
      const src = t.data;
      const mapped = src.slice();
      for (let i = 0; i < src.length; i++) {
        const v = src[i] as number;
        mapped[i] = t.dtype === 'bool' ? 1 - v : v * 2 + 1;
        addTo(sums, Math.floor(i / perRow), v);
      }
      data = mapped;
    }
    out[`${name}.out`] = { dtype: t.dtype, shape: [...t.shape], data };
    out[`${name}.sum`] = { dtype: 'float64', shape: [rows], data: sums };
  }
  return out;
}

function addTo(sums: Float64Array, row: number, value: number): void {
  sums[row] = (sums[row] ?? 0) + value;
}

/** Tensors as plain JSON-like values, so views and fresh arrays compare by content. */
export function plain(tensors: NamedTensors): Record<string, { dtype: string; shape: number[]; data: unknown[] }> {
  const out: Record<string, { dtype: string; shape: number[]; data: unknown[] }> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data as ArrayLike<unknown>) };
  }
  return out;
}

export function f32(rows: number, cols: number, start = 0): Tensor {
  return { dtype: 'float32', shape: [rows, cols], data: Float32Array.from({ length: rows * cols }, (_, i) => start + i) };
}

/** Settles a promise into a value or the error it rejected with, for assertions. */
export async function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export async function expectMlError(promise: Promise<unknown>, code: string): Promise<MlError> {
  const result = await outcome(promise);
  expect(result.ok).toBe(false);
  const error = (result as { error: unknown }).error;
  expect(error).toBeInstanceOf(MlError);
  expect((error as MlError).code).toBe(code);
  return error as MlError;
}

/** Lets every pending immediate (and the microtasks they queue) run `turns` times. */
export async function turns(count = 3): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Deterministic PRNG (mulberry32, shared with the benchmark), so "random" tests are reproducible. */
export { mulberry32 as prng } from '../../bench/prng.js';
