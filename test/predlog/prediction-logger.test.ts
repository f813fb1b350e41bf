import { describe, expect, it } from 'vitest';
import { batchRecords, type PredictionBatch } from '../../src/ports/event-log-batch.js';
import type { EventLog, EventPage, PredictionRecord } from '../../src/ports/event-log.js';
import { fillTemplate } from '../../src/ports/batch-template.js';
import { latencyJson } from '../../src/ports/event-log-batch.js';
import { PredictionEncoder, latencyField } from '../../src/predlog/encode-record.js';
import { toJsonValue } from '../../src/predlog/json-value.js';
import { LineBuffer } from '../../src/predlog/line-buffer.js';
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

describe('PredictionLogger: serialising on the serve path', () => {
  it('a full batch is written at once, though a timed flush is already pending', async () => {
    const sink = new SwitchableSink();
    const logger = new PredictionLogger({ sink, flushMs: 60_000, batchSize: 3 });
    logger.log(facts({ requestId: 'a' })); // sets the 60 s timer
    logger.log(facts({ requestId: 'b' }));
    logger.log(facts({ requestId: 'c' }));
    await until(() => sink.stored.length === 3, 'the full batch to be written before the timer');
    expect(sink.stored.map((r) => r.request_id)).toEqual(['a', 'b', 'c']);
    await logger.close();
  });

  it('records what the call had when it was logged: later changes to its objects do not show', async () => {
    const sink = new SwitchableSink();
    const logger = new PredictionLogger({ sink, flushMs: 60_000 });
    const inputs = [[1, 2, 3, 4]];
    const outputs = { y: [0] };
    logger.log(facts({ inputs, outputs }));
    inputs[0]?.push(99);
    outputs.y = [7];
    await logger.flush();
    expect(sink.stored[0]).toMatchObject({ inputs: [[1, 2, 3, 4]], outputs: { y: [0] } });
    await logger.close();
  });

  it('a record JSON cannot hold is dropped and counted (encode_error), never thrown', async () => {
    const sink = new SwitchableSink();
    const drops: [DropReason, number][] = [];
    const logger = new PredictionLogger({ sink, flushMs: 60_000, onDrop: (r, n) => drops.push([r, n]) });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => logger.log(facts({ requestId: 'bad', outputs: cyclic }))).not.toThrow();
    logger.log(facts({ requestId: 'good' }));
    await logger.flush();
    expect(drops).toEqual([['encode_error', 1]]);
    expect(sink.stored.map((r) => r.request_id)).toEqual(['good']);
    await logger.close();
  });

  it('hands a sink with appendBatch the batch as lines; logCall and log make the same record', async () => {
    const batches: PredictionBatch[] = [];
    const sink: EventLog = {
      append: () => Promise.reject(new Error('append must not be used when appendBatch exists')),
      appendBatch: async (batch) => void batches.push(batch),
      query: async () => ({ records: [] }),
      close: async () => undefined,
    };
    const logger = new PredictionLogger({ sink, flushMs: 60_000 });
    logger.log(facts({ requestId: 'x', keys: ['k'], labels: ['setosa'] }));
    logger.logCall({ requestId: 'x', keys: ['k'], inputs: [[1, 2, 3, 4]], outputs: [0], labels: ['setosa'] }, 'iris', '1', 1.23456, 'ok');
    await logger.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.count).toBe(2);
    const [a, b] = batchRecords(batches[0] ?? { count: 0, text: '' });
    expect({ ...a, id: '', timestamp: '' }).toEqual({ ...b, id: '', timestamp: '' });
    expect(a).toMatchObject({ request_id: 'x', keys: ['k'], model: 'iris', inputs: [[1, 2, 3, 4]], outputs: [0], labels: ['setosa'], latency_ms: 1.235, status: 'ok' });
    await logger.close();
  });
});

describe('PredictionEncoder', () => {
  it('writes every kind of value as JSON.stringify would, whether it ships numbers apart or JSON text', () => {
    const values: unknown[] = [
      [[5.1, 3.5, 1.4, 0.2]], [0.9970947504043579, 3.82513421978703e-12], [[1, 2], [3]], [], [[]], [NaN, -0, Infinity, -1e-300],
      new Float32Array([0.1, 2.5]), [new Float32Array([1.5]), new Int32Array([7, -8])], new BigInt64Array([3n]), [1n, 2],
      // eslint-disable-next-line no-sparse-arrays -- a hole, which JSON writes as null
      [1, , 3], ['setosa', 'tab\t"q"'], [['a'], [1]], { y: [1, 2] }, [{ x: 1 }], 'text', 42, null, true,
      // Predictions: objects holding numbers, strings with # and escapes in keys and values, tensors inside.
      [{ label: 'setosa', probabilities: [0.9700000286102295, 0.019999999552965164, 0.009999999776482582] }],
      { '#': '#', 'q"#\\': ['"#"', 1.5, { n: [NaN, -0, 1e21] }], empty: {}, none: [], u: undefined, f: () => 1, b: false },
      [{ data: new Float32Array([0.25, 1.5]), big: 3n }], [{ data: new Int8Array([-1, 2]), shape: [2] }], { at: new Date(0) },
      Object.assign(Object.create(null) as object, { x: 1 }), [undefined, 2, Symbol('s')],
    ];
    const encoder = new PredictionEncoder();
    const buffer = new LineBuffer(values.length);
    for (const v of values) {
      const noted = { requestId: 'r', inputs: v, outputs: v, labels: Array.isArray(v) ? v : undefined };
      buffer.push((numbers) => encoder.encode(noted, { model: 'm', version: '1', latencyMs: 1, status: 'ok', at: 0, keepInputs: true, redact: [] }, numbers));
    }
    const records = batchRecords(buffer.take() ?? { count: 0, text: '' });
    const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(toJsonValue(v)) ?? 'null');
    expect(records.map((r) => [r.inputs, r.outputs, r.labels])).toEqual(values.map((v) => [asJson(v), asJson(v), Array.isArray(v) ? asJson(v) : undefined]));
  });
});

describe('fillTemplate', () => {
  it('puts the numbers in the #s outside strings only, in order', () => {
    const template = JSON.stringify({ 'k#"\\': '#\\"#', v: 0 }).replace('0', '#');
    expect(fillTemplate(`[#,${template},#]`, (i) => String(i + 10))).toEqual({ json: `[10,${JSON.stringify({ 'k#"\\': '#\\"#', v: 11 })},12]`, taken: 3 });
    expect(() => fillTemplate('["#', () => '0')).toThrow(/unterminated string/);
  });
});

describe('LineBuffer', () => {
  it('keeps lines as UTF-8 and their numbers in batches of batchSize, oldest first, whatever their size or characters', () => {
    const buffer = new LineBuffer(3);
    const big = 'x'.repeat(100_000); // past the first chunk's 64 KiB
    const many = Array.from({ length: 10_000 }, (_, i) => i / 7); // past its 4,096 numbers
    buffer.push((numbers) => (numbers.putAll([1.5, 2]), 'a\tb'));
    buffer.push(() => 'é ✓ \ud83d\ude00');
    buffer.push((numbers) => (numbers.putAll(many), big));
    expect(() => buffer.push((numbers) => (numbers.putAll([99]), JSON.stringify(1n)))).toThrow(); // taken back: neither line nor number
    buffer.push((numbers) => (numbers.putAll(new Float32Array([0.5])), 'last'));
    expect(buffer.count).toBe(4);
    expect(buffer.take()).toEqual({ count: 3, text: ['a\tb', 'é ✓ \ud83d\ude00', big].join('\n'), numbers: new Float64Array([1.5, 2, ...many]) });
    expect(buffer.take()).toEqual({ count: 1, text: 'last', numbers: new Float64Array([0.5]) });
    expect([buffer.count, buffer.take()]).toEqual([0, undefined]);
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

describe('latencyField', () => {
  it('reads back (latencyJson) exactly as JSON.stringify writes the latency rounded to µs', () => {
    const random = mulberry(42);
    const samples = [0, 0.0004, 0.0005, 0.001, 0.1, 0.41234, 1, 1.2345, 10.5, 999.9995, 12_345.678901, 1e9 + 0.25, 1e13, -1, NaN, Infinity];
    for (let i = 0; i < 20_000; i++) samples.push(random() * 10 ** Math.floor(random() * 8 - 3));
    for (const ms of samples) expect([ms, latencyJson(latencyField(ms))]).toEqual([ms, JSON.stringify(Math.round(ms * 1000) / 1000)]);
  });
});

/** A small seeded generator: the samples are the same every run. */
function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
