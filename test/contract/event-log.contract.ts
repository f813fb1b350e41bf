import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EventLog, PredictionRecord } from '../../src/ports/event-log.js';
import type { PredictionBatch } from '../../src/ports/event-log-batch.js';
import { PredictionEncoder, type CallOutcome, type NotedFacts } from '../../src/predlog/encode-record.js';
import { LineBuffer } from '../../src/predlog/line-buffer.js';

/**
 * The one contract every EventLog adapter passes (style.md #2). The factory
 * opens a log over fresh, empty storage.
 */
export type EventLogFactory = () => Promise<EventLog>;

const BASE = Date.parse('2026-01-01T00:00:00.000Z');

export function record(overrides: Partial<PredictionRecord> & { at?: number } = {}): PredictionRecord {
  const { at = 0, ...rest } = overrides;
  return {
    id: randomUUID(),
    kind: 'prediction',
    timestamp: new Date(BASE + at).toISOString(),
    request_id: 'req-1',
    model: 'iris',
    version: '1',
    inputs: [[5.1, 3.5, 1.4, 0.2]],
    outputs: [0],
    latency_ms: 1.5,
    status: 'ok',
    ...rest,
  };
}

/** The batch the PredictionLogger would hand a sink for these calls. */
export function encodeBatch(calls: readonly { readonly noted: NotedFacts; readonly call: CallOutcome }[]): PredictionBatch {
  const encoder = new PredictionEncoder();
  const buffer = new LineBuffer(Math.max(1, calls.length));
  for (const { noted, call } of calls) buffer.push((numbers) => encoder.encode(noted, call, numbers));
  return buffer.take() ?? { count: 0, text: '' };
}

export function eventLogContract(open: EventLogFactory): void {
  let log: EventLog;

  beforeEach(async () => {
    log = await open();
  });

  afterEach(async () => {
    await log.close();
  });

  it('answers appended records whole, oldest first', async () => {
    const a = record({ request_id: 'r-a', keys: ['u1'], service: 'svc', node: 'ensemble/iris', labels: ['setosa'], variant: 'B', at: 1 });
    const b = record({ request_id: 'r-b', status: 'INVALID_INPUT', at: 2 });
    await log.append([a, b]);
    const page = await log.query({});
    expect(page.records).toEqual([a, b]);
    expect(page.next).toBeUndefined();
  });

  it('an empty batch and an empty log answer nothing', async () => {
    await log.append([]);
    expect(await log.query({})).toEqual({ records: [] });
  });

  it('filters by request id, model, version, service, kind and key', async () => {
    const rs = [
      record({ request_id: 'r1', model: 'iris', version: '1', keys: ['k1', 7] }),
      record({ request_id: 'r2', model: 'iris', version: '2', service: 'svc' }),
      record({ request_id: 'r2', model: 'wine', version: '1', service: 'svc', keys: ['k2'] }),
      record({ request_id: 'r3', model: 'wine', version: '1', kind: 'feedback' }),
    ];
    await log.append(rs);
    const ids = async (q: Parameters<EventLog['query']>[0]) => (await log.query(q)).records.map((r) => r.id);
    expect(await ids({ requestId: 'r2' })).toEqual([rs[1]?.id, rs[2]?.id]);
    expect(await ids({ model: 'iris' })).toEqual([rs[0]?.id, rs[1]?.id]);
    expect(await ids({ model: 'iris', version: '2' })).toEqual([rs[1]?.id]);
    expect(await ids({ service: 'svc' })).toEqual([rs[1]?.id, rs[2]?.id]);
    expect(await ids({ kind: 'feedback' })).toEqual([rs[3]?.id]);
    expect(await ids({ key: 'k2' })).toEqual([rs[2]?.id]);
    expect(await ids({ key: '7' })).toEqual([rs[0]?.id]);
    expect(await ids({ requestId: 'nobody' })).toEqual([]);
  });

  it('filters by time window, both ends included', async () => {
    const rs = [0, 1000, 2000, 3000].map((at) => record({ at }));
    await log.append(rs);
    const page = await log.query({ since: new Date(BASE + 1000), until: new Date(BASE + 2000) });
    expect(page.records.map((r) => r.id)).toEqual([rs[1]?.id, rs[2]?.id]);
  });

  it('pages with the next cursor until the last page, which has none', async () => {
    const rs = Array.from({ length: 7 }, (_, i) => record({ at: i, request_id: i % 2 === 0 ? 'even' : 'odd' }));
    await log.append(rs.slice(0, 4));
    await log.append(rs.slice(4));
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await log.query({ requestId: 'even', limit: 2, ...(after !== undefined ? { after } : {}) });
      seen.push(...page.records.map((r) => r.id));
      after = page.next;
      pages++;
    } while (after !== undefined && pages < 10);
    expect(seen).toEqual(rs.filter((r) => r.request_id === 'even').map((r) => r.id));
    expect(pages).toBe(2);
  });

  it('a cursor it never handed out is a 400, not an empty page', async () => {
    await log.append([record()]);
    await expect(log.query({ after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('keeps records of many batches appended concurrently', async () => {
    const batches = Array.from({ length: 5 }, () => Array.from({ length: 20 }, () => record()));
    await Promise.all(batches.map((b) => log.append(b)));
    const page = await log.query({ limit: 1000 });
    expect(new Set(page.records.map((r) => r.id))).toEqual(new Set(batches.flat().map((r) => r.id)));
  });

  it("stores the logger's batches (appendBatch) as the records they encode, names with any characters intact", async () => {
    if (!log.appendBatch) return; // optional: the logger falls back to append
    const odd = 'tab\there "quoted" back\\slash\nnewline é ✓ \ud83d\ude00';
    const calls = [
      { noted: { requestId: 'b-1', keys: ['u1', 7], inputs: [[5.1, 3.5]], outputs: [0], labels: ['setosa'] }, model: 'iris', status: 'ok', at: 10 },
      { noted: { requestId: odd, service: odd, node: `${odd}/iris`, variant: 'B', outputs: { y: [1] } }, model: 'iris', status: 'INVALID_INPUT', at: 20 },
    ];
    await log.appendBatch(encodeBatch(calls.map((c) => ({ noted: c.noted, call: { model: c.model, version: '2', latencyMs: 1.23456, status: c.status, at: BASE + c.at, keepInputs: true, redact: [] } }))));
    const page = await log.query({});
    expect(page.records.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        kind: 'prediction', timestamp: new Date(BASE + 10).toISOString(), request_id: 'b-1', keys: ['u1', 7],
        model: 'iris', version: '2', inputs: [[5.1, 3.5]], outputs: [0], labels: ['setosa'], latency_ms: 1.235, status: 'ok',
      },
      {
        kind: 'prediction', timestamp: new Date(BASE + 20).toISOString(), request_id: odd, service: odd, node: `${odd}/iris`,
        model: 'iris', version: '2', variant: 'B', outputs: { y: [1] }, latency_ms: 1.235, status: 'INVALID_INPUT',
      },
    ]);
    for (const r of page.records) expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(page.records[0]?.id).not.toBe(page.records[1]?.id);
    expect((await log.query({ requestId: odd })).records.map((r) => r.status)).toEqual(['INVALID_INPUT']);
    expect((await log.query({ service: odd })).records.map((r) => r.request_id)).toEqual([odd]);
    expect((await log.query({ key: '7' })).records.map((r) => r.request_id)).toEqual(['b-1']);
    expect((await log.query({ key: 'b-1' })).records).toEqual([]); // a request id is not a key
  });
}
