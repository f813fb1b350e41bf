import { describe, expect, it } from 'vitest';
import type { BatchingOptions } from '../../src/config/schema.js';
import { DynamicBatcher, type BatchRunner, type RejectReason } from '../../src/serving/batching/index.js';
import type { NamedTensors } from '../../src/tensor/tensor.js';
import { GatedRunner, NEVER_BY_TIME, expectMlError, f32, outcome, plain, rowwiseModel, turns } from './helpers.js';

function options(over: Partial<BatchingOptions> = {}): BatchingOptions {
  return { maxBatchSize: 8, maxQueueDelayUs: NEVER_BY_TIME, preferredBatchSizes: [], maxQueueRows: 1000, maxConcurrentBatches: 1, ...over };
}

const REQ = { signature: 's', outputs: [] as readonly string[] };

function rejections(): { reasons: RejectReason[]; onReject: (r: RejectReason) => void } {
  const reasons: RejectReason[] = [];
  return { reasons, onReject: (r) => reasons.push(r) };
}

describe('DynamicBatcher refusals and failures', () => {
  it('refuses a request that would overflow maxQueueRows at once, with OVERLOADED', async () => {
    const observer = rejections();
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('iris', gate.run, options({ maxQueueRows: 4 }), observer);
    const accepted = [batcher.submit({ x: f32(3, 4) }, REQ), batcher.submit({ x: f32(1, 4) }, REQ)];
    expect(batcher.queuedRows).toBe(4);
    const error = await expectMlError(batcher.submit({ x: f32(1, 4) }, REQ), 'OVERLOADED');
    expect(error.params).toEqual({ name: 'iris', reason: 'queue full', retryAfter: 1 });
    expect(error.status).toBe(503);
    expect(observer.reasons).toEqual(['queue_full']);
    expect(batcher.queuedRows).toBe(4);
    const closed = batcher.close();
    gate.call(0).release();
    await Promise.all([...accepted, closed]);
  });

  it('admits a request larger than maxQueueRows into an empty queue (it could never run otherwise)', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxQueueRows: 4, maxBatchSize: 4 }));
    const big = batcher.submit({ x: f32(6, 4) }, REQ);
    gate.call(0).release();
    expect((await big)['x.out']?.shape).toEqual([6, 4]);
  });

  it('rejects a request whose deadline passes while queued, promptly, and never runs it', async () => {
    const observer = rejections();
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('iris', gate.run, options({ maxBatchSize: 1 }), observer);
    const running = batcher.submit({ x: f32(1, 4) }, { ...REQ, deadline: performance.now() + 2 });
    const queued = batcher.submit({ x: f32(1, 4) }, { ...REQ, deadline: performance.now() + 5, deadlineMs: 100 });
    const error = await expectMlError(queued, 'DEADLINE_EXCEEDED'); // answered by the timer: the slot is still busy
    expect(error.params).toEqual({ name: 'iris', deadlineMs: 100, stage: 'queued' });
    expect(error.status).toBe(504);
    expect(observer.reasons).toEqual(['deadline']);
    expect(batcher.queuedRows).toBe(0);
    // The running request's deadline has passed too, but a running request is not cancelled.
    gate.call(0).release();
    await expect(running).resolves.toBeDefined();
    expect(gate.calls).toHaveLength(1);
  });

  it('checks deadlines at dispatch too (a slot may free before the timer fires)', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 1 }));
    const running = batcher.submit({ x: f32(1, 4) }, REQ);
    const deadline = performance.now() + 1;
    const queued = batcher.submit({ x: f32(1, 4) }, { ...REQ, deadline });
    while (performance.now() <= deadline) {
      // spin past the deadline without letting timers run
    }
    gate.call(0).release(); // completion → dispatch happens in microtasks, before any timer
    await running;
    const error = await expectMlError(queued, 'DEADLINE_EXCEEDED');
    expect(error.params.deadlineMs).toBe(1);
    expect(gate.calls).toHaveLength(1);
  });

  it('refuses a request whose deadline has already passed at submit', async () => {
    const observer = rejections();
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options(), observer);
    await expectMlError(batcher.submit({ x: f32(1, 4) }, { ...REQ, deadline: performance.now() - 1, deadlineMs: 30 }), 'DEADLINE_EXCEEDED');
    expect(observer.reasons).toEqual(['deadline']);
    expect(batcher.queuedRows).toBe(0);
  });

  it('fails only the requests of the failed batch, with the runner error, and keeps working', async () => {
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 2, maxConcurrentBatches: 2 }));
    const a = [batcher.submit({ x: f32(1, 4) }, REQ), batcher.submit({ x: f32(1, 4) }, REQ)];
    const b = [batcher.submit({ x: f32(1, 3) }, REQ), batcher.submit({ x: f32(1, 3) }, REQ)];
    expect(gate.batchRows).toEqual([2, 2]);
    const boom = new Error('boom');
    gate.call(0).fail(boom);
    gate.call(1).release();
    const outcomes = await Promise.all([...a, ...b].map(outcome));
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, true, true]);
    expect(outcomes[0]).toEqual({ ok: false, error: boom });
    expect((outcomes[1] as { error: unknown }).error).toBe(boom);
    const again = [batcher.submit({ x: f32(1, 4) }, REQ), batcher.submit({ x: f32(1, 4) }, REQ)];
    gate.call(2).release();
    await Promise.all(again);
  });

  it('fails a batch whose runner throws synchronously', async () => {
    const boom = new Error('sync');
    const run: BatchRunner = () => {
      throw boom;
    };
    const batcher = new DynamicBatcher('m', run, options({ maxBatchSize: 2 }));
    const outcomes = await Promise.all([batcher.submit({ x: f32(1, 4) }, REQ), batcher.submit({ x: f32(1, 4) }, REQ)].map(outcome));
    expect(outcomes).toEqual([
      { ok: false, error: boom },
      { ok: false, error: boom },
    ]);
    expect(batcher.running).toBe(0);
  });

  it('fails every request of a batch with INFERENCE_FAILED naming an output that cannot be split', async () => {
    const pooled = (inputs: NamedTensors): NamedTensors => ({
      ...rowwiseModel(inputs),
      pooled: { dtype: 'float32', shape: [1, 4], data: new Float32Array(4) },
    });
    const gate = new GatedRunner(pooled);
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 2 }));
    const done = [batcher.submit({ x: f32(1, 4) }, REQ), batcher.submit({ x: f32(1, 4) }, REQ)];
    gate.call(0).release();
    for (const p of done) {
      const error = await expectMlError(p, 'INFERENCE_FAILED');
      expect(error.message).toContain('"pooled"');
    }
  });

  it('close() refuses new requests, runs everything queued without waiting for the delay, then resolves', async () => {
    const observer = rejections();
    const gate = new GatedRunner();
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 2 }), observer);
    const inputs = Array.from({ length: 5 }, (_, i): NamedTensors => ({ x: f32(1, 4, i * 4) }));
    const accepted = inputs.map((x) => batcher.submit(x, REQ)); // [0,1] running, [2,3] queued full, [4] waiting for the delay
    let closedAt = 0;
    const closed = batcher.close().then(() => (closedAt = gate.calls.length));
    expect(batcher.close()).toBe(batcher.close());
    const error = await expectMlError(batcher.submit({ x: f32(1, 4) }, REQ), 'OVERLOADED');
    expect(error.params.reason).toBe('closed');
    expect(observer.reasons).toEqual(['closed']);
    await turns(3);
    expect(closedAt).toBe(0);
    for (let i = 0; i < 3; i++) {
      await gate.waitForCalls(i + 1);
      gate.call(i).release();
    }
    await closed;
    expect(closedAt).toBe(3);
    const results = await Promise.all(accepted);
    results.forEach((out, i) => expect(plain(out)).toEqual(plain(rowwiseModel(inputs[i] ?? {}))));
    expect(batcher.running).toBe(0);
    expect(batcher.queuedRows).toBe(0);
  });

  it('close() on an idle batcher resolves at once', async () => {
    const batcher = new DynamicBatcher('m', new GatedRunner().run, options());
    await batcher.close();
  });

  it('an observer that throws does not break batching', async () => {
    const gate = new GatedRunner();
    const throwing = {
      onBatch: () => {
        throw new Error('metrics down');
      },
      onReject: () => {
        throw new Error('metrics down');
      },
    };
    const batcher = new DynamicBatcher('m', gate.run, options({ maxBatchSize: 1, maxQueueRows: 1 }), throwing);
    const a = batcher.submit({ x: f32(1, 4) }, REQ);
    const b = batcher.submit({ x: f32(1, 4) }, REQ);
    await expectMlError(batcher.submit({ x: f32(1, 4) }, REQ), 'OVERLOADED');
    gate.call(0).release();
    await a;
    await gate.waitForCalls(2);
    gate.call(1).release();
    await b;
  });
});
