import { describe, expect, it } from 'vitest';
import type { EventLog, EventPage, PredictionRecord } from '../../src/ports/event-log.js';
import { PredictionLogger, type DropReason, type PredictionFacts } from '../../src/predlog/prediction-logger.js';
import { redactInstances, parseRedactPaths } from '../../src/predlog/redact.js';

/** A sink that can be switched off, and tells when records arrive. */
class SwitchableSink implements EventLog {
  up = true;
  stored: PredictionRecord[] = [];
  appends = 0;
  async append(records: readonly PredictionRecord[]): Promise<void> {
    this.appends++;
    if (!this.up) throw new Error('sink down');
    this.stored.push(...records);
  }
  async query(): Promise<EventPage> {
    return { records: this.stored };
  }
  async close(): Promise<void> {}
}

const facts = (over: Partial<PredictionFacts> = {}): PredictionFacts => ({
  requestId: 'r1', model: 'iris', version: '1', latencyMs: 1.23456, status: 'ok', inputs: [[1, 2, 3, 4]], outputs: [0], ...over,
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PredictionLogger', () => {
  it('builds records off the request path and writes them on flush', async () => {
    const sink = new SwitchableSink();
    const logger = new PredictionLogger({ sink, flushMs: 60_000 });
    logger.log(facts({ keys: ['u1'], service: 'svc', node: 'a/iris', labels: ['setosa'] }));
    expect(sink.appends).toBe(0); // nothing written while the request is answered
    await logger.flush();
    expect(sink.stored).toHaveLength(1);
    expect(sink.stored[0]).toMatchObject({
      kind: 'prediction', request_id: 'r1', model: 'iris', version: '1', keys: ['u1'], service: 'svc', node: 'a/iris',
      inputs: [[1, 2, 3, 4]], outputs: [0], labels: ['setosa'], latency_ms: 1.235, status: 'ok',
    });
    expect(sink.stored[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    await logger.close();
  });

  it('flushes by itself on the timer', async () => {
    const sink = new SwitchableSink();
    const logger = new PredictionLogger({ sink, flushMs: 10 });
    logger.log(facts());
    await until(() => sink.stored.length === 1, 'the timed flush');
    await logger.close();
  });

  it('converts tensors (typed arrays, bigints) to JSON values', async () => {
    const sink = new SwitchableSink();
    const logger = new PredictionLogger({ sink, flushMs: 60_000 });
    logger.log(facts({ inputs: { x: { dtype: 'float32', shape: [1, 2], data: new Float32Array([1.5, 2]) } }, outputs: { y: { dtype: 'int64', shape: [1], data: new BigInt64Array([3n]) } } }));
    await logger.flush();
    expect(sink.stored[0]?.inputs).toEqual({ x: { dtype: 'float32', shape: [1, 2], data: [1.5, 2] } });
    expect(sink.stored[0]?.outputs).toEqual({ y: { dtype: 'int64', shape: [1], data: [3] } });
    await logger.close();
  });

  it('keeps inputs for the sampled share only; the record is always kept', async () => {
    const sink = new SwitchableSink();
    const draws = [0.1, 0.9, 0.3, 0.6];
    const logger = new PredictionLogger({ sink, flushMs: 60_000, sampleInputs: 0.5, random: () => draws.shift() ?? 1 });
    for (let i = 0; i < 4; i++) logger.log(facts());
    await logger.flush();
    expect(sink.stored.map((r) => r.inputs !== undefined)).toEqual([true, false, true, false]);
    await logger.close();
  });

  it('drops and counts records beyond the buffer, never throwing', async () => {
    const sink = new SwitchableSink();
    const drops: [DropReason, number][] = [];
    const logger = new PredictionLogger({ sink, flushMs: 60_000, bufferSize: 3, batchSize: 100, onDrop: (r, n) => drops.push([r, n]) });
    for (let i = 0; i < 5; i++) logger.log(facts());
    expect(logger.pending).toBe(3);
    expect(drops).toEqual([['buffer_full', 1], ['buffer_full', 1]]);
    await logger.close();
  });

  it('sink down: batches dropped and counted, attempts backed off; sink back: new records stored', async () => {
    const sink = new SwitchableSink();
    sink.up = false;
    const dropped = new Map<DropReason, number>();
    const logger = new PredictionLogger({ sink, flushMs: 5, maxBackoffMs: 40, onDrop: (r, n) => dropped.set(r, (dropped.get(r) ?? 0) + n) });
    for (let i = 0; i < 10; i++) logger.log(facts({ requestId: `down-${i}` }));
    await until(() => (dropped.get('sink_error') ?? 0) >= 10, 'the failed flush to be counted');
    expect(sink.stored).toEqual([]);
    sink.up = true;
    logger.log(facts({ requestId: 'after' }));
    await until(() => sink.stored.some((r) => r.request_id === 'after'), 'the recovered sink to store new records');
    await logger.close();
  });

  it('close flushes what is buffered, and gives up after its timeout when the sink hangs', async () => {
    const sink = new SwitchableSink();
    const logger = new PredictionLogger({ sink, flushMs: 60_000 });
    logger.log(facts());
    await logger.close();
    expect(sink.stored).toHaveLength(1);

    const hanging: EventLog = { append: () => new Promise(() => undefined), query: async () => ({ records: [] }), close: async () => undefined };
    let lost = 0;
    const stuck = new PredictionLogger({ sink: hanging, flushMs: 60_000, onDrop: (_r, n) => (lost += n) });
    stuck.log(facts());
    const started = Date.now();
    await stuck.close(50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lost).toBe(1);
  });
});

describe('redactInstances', () => {
  it('replaces dot paths and column indexes on a copy', () => {
    const instances = [{ user: { email: 'a@b', age: 3 }, x: 1 }, [1, 2, 3]];
    const paths = parseRedactPaths(['user.email', '1', 'missing.path']);
    expect(redactInstances(instances, paths)).toEqual([{ user: { email: '[redacted]', age: 3 }, x: 1 }, [1, '[redacted]', 3]]);
    expect(instances[0]).toEqual({ user: { email: 'a@b', age: 3 }, x: 1 }); // the request's objects untouched
  });
});
