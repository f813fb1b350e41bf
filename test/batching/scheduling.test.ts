import { describe, expect, it } from 'vitest';
import type { BatchingOptions } from '../../src/config/schema.js';
import { DynamicBatcher, type BatchInfo } from '../../src/serving/batching/index.js';
import type { NamedTensors } from '../../src/tensor/tensor.js';
import { GatedRunner, NEVER_BY_TIME, f32, immediateRunner, plain, rowwiseModel, turns } from './helpers.js';

function options(over: Partial<BatchingOptions> = {}): BatchingOptions {
  return { maxBatchSize: 8, maxQueueDelayUs: NEVER_BY_TIME, preferredBatchSizes: [], maxQueueRows: 1000, maxConcurrentBatches: 1, ...over };
}

const REQ = { signature: 's', outputs: [] as readonly string[] };

/** Submits `rows` rows of width `cols` and checks the answer against the unbatched model. */
function submitChecked(batcher: DynamicBatcher, rows: number, cols = 4, start = 0): Promise<void> {
  const inputs: NamedTensors = { x: f32(rows, cols, start) };
  return batcher.submit(inputs, REQ).then((out) => {
    expect(plain(out)).toEqual(plain(rowwiseModel(inputs)));
  });
}

/** Releases executions one after another as they start, until `count` have run. */
async function releaseInOrder(gate: GatedRunner, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await gate.waitForCalls(i + 1);
    gate.call(i).release();
  }
}

function busyWaitUntil(time: number): void {
  while (performance.now() < time) {
    // spin: keeps timers from firing, so ordering is decided by the batcher alone
  }
}

describe('DynamicBatcher scheduling', () => {
  it('passes a request that is alone straight through (no copy in, no split out)', async () => {
    const inputs: NamedTensors = { x: f32(2, 4) };
    const answer: NamedTensors = { y: f32(2, 1) };
    let seen: NamedTensors | undefined;
    const batcher = new DynamicBatcher('m', async (i) => ((seen = i), answer), options({ maxQueueDelayUs: 0 }));
    await expect(batcher.submit(inputs, REQ)).resolves.toBe(answer);
    expect(seen).toBe(inputs);
  });

  it('with delay 0, merges requests submitted in the same event-loop turn', async () => {
    const run = immediateRunner();
    const batcher = new DynamicBatcher('m', run, options({ maxQueueDelayUs: 0 }));
    const done = [0, 1, 2, 3, 4].map((i) => submitChecked(batcher, 1, 4, i * 10));
    expect(run.calls).toHaveLength(0); // not dispatched synchronously
    await Promise.all(done);
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]?.x?.shape).toEqual([5, 4]);
  });

  it('does not dispatch before the delay unless full, and dispatches at once when full', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options());
    const done = [submitChecked(batcher, 3)];
    await turns(5);
    expect(gate.calls).toHaveLength(0);
    expect(batcher.queuedRows).toBe(3);
    done.push(submitChecked(batcher, 5, 4, 100)); // 8 rows = maxBatchSize
    expect(gate.batchRows).toEqual([8]); // synchronously
    expect(batcher.queuedRows).toBe(0);
    expect(batcher.running).toBe(1);
    gate.call(0).release();
    await Promise.all(done);
  });

  it('dispatches when the OLDEST request has waited maxQueueDelayUs', async () => {
    const infos: BatchInfo[] = [];
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxQueueDelayUs: 3000 }), { onBatch: (i) => infos.push(i) });
    const first = performance.now();
    const done = [submitChecked(batcher, 1)];
    busyWaitUntil(first + 1); // the second request arrives 1 ms later; the batch still goes at first + 3 ms
    done.push(submitChecked(batcher, 1, 4, 50));
    await gate.waitForCalls(1);
    expect(performance.now() - first).toBeGreaterThanOrEqual(3); // never early
    expect(gate.batchRows).toEqual([2]);
    gate.call(0).release();
    await Promise.all(done);
    expect(infos[0]?.requests).toBe(2);
    expect(infos[0]?.queueUs[0]).toBeGreaterThanOrEqual(3000);
  });

  it('starts the next batch as soon as one finishes if its oldest request already waited the delay', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxQueueDelayUs: 2000 }));
    const a = submitChecked(batcher, 8); // full: runs at once
    const queuedAt = performance.now();
    const b = submitChecked(batcher, 1); // waits for the slot
    busyWaitUntil(queuedAt + 2.5);
    gate.call(0).release();
    await a;
    expect(gate.batchRows).toEqual([8, 1]); // no timer needed: dispatched on completion
    gate.call(1).release();
    await b;
  });

  it('keeps waiting after a batch finishes when the oldest queued request has not waited the delay', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options());
    const a = submitChecked(batcher, 8);
    const b = submitChecked(batcher, 1);
    gate.call(0).release();
    await a;
    await turns(3);
    expect(gate.batchRows).toEqual([8]);
    const closed = batcher.close();
    gate.call(1).release();
    await Promise.all([b, closed]);
  });

  it('counts maxBatchSize in rows, not requests, taking whole requests', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options());
    const done = [submitChecked(batcher, 3), submitChecked(batcher, 3, 4, 20)];
    expect(gate.calls).toHaveLength(0); // 6 rows < 8
    done.push(submitChecked(batcher, 3, 4, 40)); // 9 rows ≥ 8: two whole requests (6 rows) go
    expect(gate.batchRows).toEqual([6]);
    expect(batcher.queuedRows).toBe(3);
    const closed = batcher.close();
    await releaseInOrder(gate, 2);
    await Promise.all([...done, closed]);
    expect(gate.batchRows).toEqual([6, 3]);
  });

  it('runs a request larger than maxBatchSize alone, unsplit, in its turn', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 4 }));
    const done = [submitChecked(batcher, 1), submitChecked(batcher, 10, 4, 100), submitChecked(batcher, 1, 4, 500)];
    expect(gate.batchRows).toEqual([1]); // the 10-row request does not fit behind the first
    gate.call(0).release();
    await gate.waitForCalls(2);
    expect(gate.batchRows).toEqual([1, 10]);
    const closed = batcher.close();
    await releaseInOrder(gate, 3);
    await Promise.all([...done, closed]);
    expect(gate.batchRows).toEqual([1, 10, 1]);
  });

  it('cuts a backlog into the largest preferred sizes that fit; dispatches at the largest preferred size', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ preferredBatchSizes: [2, 16, 4] }));
    const blocker = submitChecked(batcher, 4, 5); // another key; 4 rows = the largest usable preferred size: full
    expect(gate.batchRows).toEqual([4]);
    const done = Array.from({ length: 11 }, (_, i) => submitChecked(batcher, 1, 4, i * 4));
    expect(batcher.queuedRows).toBe(11);
    gate.call(0).release();
    await blocker;
    await gate.waitForCalls(2);
    gate.call(1).release();
    await gate.waitForCalls(3);
    gate.call(2).release();
    await turns(3);
    expect(gate.batchRows).toEqual([4, 4, 4]); // 3 rows left: less than 4, waits for the delay
    const closed = batcher.close();
    await gate.waitForCalls(4);
    gate.call(3).release();
    await gate.waitForCalls(5);
    gate.call(4).release();
    await Promise.all([...done, closed]);
    expect(gate.batchRows).toEqual([4, 4, 4, 2, 1]);
  });

  it('never merges incompatible requests', async () => {
    const run = immediateRunner();
    const batcher = new DynamicBatcher('m', run, options({ maxQueueDelayUs: 0 }));
    const x4 = (): NamedTensors => ({ x: f32(1, 4) });
    const submissions: [NamedTensors, { signature: string; outputs: readonly string[] }][] = [
      [x4(), REQ],
      [x4(), REQ],
      [{ x: f32(1, 5) }, REQ],
      [{ x: { dtype: 'float64', shape: [1, 4], data: new Float64Array(4) } }, REQ],
      [x4(), { signature: 'other', outputs: [] }],
      [x4(), { signature: 's', outputs: ['x.sum'] }],
      [{ x: f32(1, 4), y: f32(2, 4) }, REQ], // inputs disagree on dim 0: unmergeable
      [{ x: f32(1, 4), y: f32(2, 4) }, REQ],
    ];
    const results = await Promise.all(submissions.map(([inputs, req]) => batcher.submit(inputs, req)));
    results.forEach((out, i) => expect(plain(out)).toEqual(plain(rowwiseModel(submissions[i]?.[0] ?? {}))));
    expect(run.calls.map((c) => c.x?.shape[0]).sort()).toEqual([1, 1, 1, 1, 1, 1, 2]);
  });

  it('dispatches ready keys oldest head first', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 2 }));
    const blocker = submitChecked(batcher, 2, 7);
    const done = [
      submitChecked(batcher, 1, 3), // key B first
      submitChecked(batcher, 1, 4), // key A
      submitChecked(batcher, 1, 4, 9), // A full
      submitChecked(batcher, 1, 3, 9), // B full
    ];
    await releaseInOrder(gate, 3);
    await Promise.all([blocker, ...done]);
    expect(gate.calls.map((c) => c.inputs.x?.shape[1])).toEqual([7, 3, 4]);
  });

  it('never runs more than maxConcurrentBatches executions at once', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 1, maxConcurrentBatches: 3 }));
    const done = Array.from({ length: 10 }, (_, i) => submitChecked(batcher, 1, 4, i));
    expect(gate.calls).toHaveLength(3);
    expect(batcher.running).toBe(3);
    expect(batcher.queuedRows).toBe(7);
    gate.call(1).release();
    await gate.waitForCalls(4);
    expect(gate.running).toBe(3);
    for (const i of [0, 2, 3, 4, 5, 6, 7, 8, 9]) {
      await gate.waitForCalls(i + 1);
      gate.call(i).release();
    }
    await Promise.all(done);
    expect(gate.maxRunning).toBe(3);
    expect(batcher.running).toBe(0);
  });

  it('runs an unmergeable request without waiting for the delay', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options());
    const p = batcher.submit({ x: f32(2, 4), y: f32(3, 4) }, REQ);
    expect(gate.calls).toHaveLength(1);
    gate.call(0).release();
    await p;
  });
});
