import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LOOKUP_ROWS, SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { LOOKUP_BUCKETS, lookupHash, LOOKUP_TAG } from '../../src/adapters/sqlite/event-log-lookup.js';
import { EVENT_LOG_SCHEMA_VERSION } from '../../src/adapters/sqlite/event-log-schema.js';
import type { EventQuery } from '../../src/ports/event-log.js';
import { encodeBatch, eventLogContract, record } from './event-log.contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-eventlog-sqlite-'));
let files = 0;
const freshPath = (): string => path.join(dir, `log-${files++}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = Date.parse('2026-01-01T00:00:00.000Z');

async function readAllPages(log: SqliteEventLog, query: EventQuery): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  do {
    const page = await log.query({ ...query, ...(after !== undefined ? { after } : {}) });
    seen.push(...page.records.map((r) => r.request_id));
    after = page.next;
  } while (after !== undefined);
  return seen;
}

describe('EventLog contract: sqlite', () => {
  eventLogContract(async () => new SqliteEventLog({ path: freshPath() }));
});

describe('EventLog contract: sqlite, writing from its own thread (what the server uses)', () => {
  eventLogContract(async () => new SqliteEventLog({ path: freshPath(), writeOffThread: true }));
});

describe('sqlite event log specifics', () => {
  it('records survive a reopen, in WAL mode, in blocks with a time index and a request-id/key lookup', async () => {
    const file = freshPath();
    const first = new SqliteEventLog({ path: file });
    const r = record();
    await first.append([r]);
    await first.close();
    const second = new SqliteEventLog({ path: file });
    try {
      expect((await second.query({ requestId: r.request_id })).records).toEqual([r]);
    } finally {
      await second.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const names = (type: string) => (db.prepare('SELECT name FROM sqlite_master WHERE type = ?').all(type) as { name: string }[]).map((i) => i.name);
      expect(names('index')).toContain('prediction_log_block_max_at');
      expect(names('table')).toEqual(expect.arrayContaining(['prediction_log_block', 'prediction_log_index']));
      expect(db.pragma('user_version', { simple: true })).toBe(EVENT_LOG_SCHEMA_VERSION);
      // A lookup walks the small time index for the blocks' first seqs and probes each block's bucket row
      // through the primary key: it reads neither the blocks' lines nor the other buckets' rows.
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LOOKUP_ROWS}`).all(1, 0) as { detail: string }[]).map((p) => p.detail).join(' | ');
      expect(plan).toMatch(/SCAN b USING COVERING INDEX prediction_log_block_max_at/);
      expect(plan).toMatch(/SEARCH l USING PRIMARY KEY \(first_seq=\? AND bucket=\?\)/);
    } finally {
      db.close();
    }
  });

  it("a logger batch is one block: its records get distinct ids, seqs continue across blocks, and each is found by request id and key", async () => {
    const file = freshPath();
    const log = new SqliteEventLog({ path: file, writeOffThread: true });
    const calls = Array.from({ length: 10 }, (_, i) => ({
      noted: { requestId: `rq-${i}`, keys: [`k-${i % 3}`], inputs: [[i, 1.5]], outputs: [i % 2] },
      call: { model: 'iris', version: '1', latencyMs: 0.25, status: 'ok', at: BASE + i, keepInputs: true, redact: [] },
    }));
    try {
      await log.append([record({ request_id: 'before' })]);
      await log.appendBatch(encodeBatch(calls.slice(0, 5)));
      await log.appendBatch(encodeBatch(calls.slice(5)));
      const all = await log.query({ limit: 1000 });
      expect(all.records.map((r) => r.request_id)).toEqual(['before', ...calls.map((_, i) => `rq-${i}`)]);
      expect(new Set(all.records.map((r) => r.id)).size).toBe(11);
      expect(all.records[3]).toEqual({
        id: all.records[3]?.id, kind: 'prediction', timestamp: new Date(BASE + 2).toISOString(), request_id: 'rq-2', keys: ['k-2'],
        model: 'iris', version: '1', inputs: [[2, 1.5]], outputs: [0], latency_ms: 0.25, status: 'ok',
      });
      expect((await log.query({ requestId: 'rq-7' })).records.map((r) => r.request_id)).toEqual(['rq-7']);
      expect((await log.query({ key: 'k-1' })).records.map((r) => r.request_id)).toEqual(['rq-1', 'rq-4', 'rq-7']);
      const page = await log.query({ key: 'k-1', limit: 2 });
      expect((await log.query({ key: 'k-1', after: page.next })).records.map((r) => r.request_id)).toEqual(['rq-7']);
      // Pages across the block boundary, by time and model: the same records, oldest first.
      const since = await readAllPages(log, { model: 'iris', since: new Date(BASE + 3), limit: 3 });
      expect(since).toEqual(['rq-3', 'rq-4', 'rq-5', 'rq-6', 'rq-7', 'rq-8', 'rq-9']);
    } finally {
      await log.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT first_seq, count FROM prediction_log_block ORDER BY first_seq').all()).toEqual([
        { first_seq: 1, count: 1 }, { first_seq: 2, count: 5 }, { first_seq: 7, count: 5 },
      ]);
    } finally {
      db.close();
    }
  });

  it('a file of the first layout (request-id index, keys table) is migrated on open, its records still found', async () => {
    const file = freshPath();
    const old = new Database(file);
    old.exec(`CREATE TABLE prediction_log (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, at INTEGER NOT NULL, request_id TEXT NOT NULL,
        service TEXT, model TEXT NOT NULL, version TEXT NOT NULL, record TEXT NOT NULL);
      CREATE INDEX prediction_log_request_id ON prediction_log (request_id);
      CREATE INDEX prediction_log_at ON prediction_log (at);
      CREATE TABLE prediction_log_keys (seq INTEGER NOT NULL REFERENCES prediction_log (seq) ON DELETE CASCADE, key TEXT NOT NULL);
      CREATE INDEX prediction_log_keys_key ON prediction_log_keys (key, seq);`);
    const rs = [record({ request_id: 'old-1', keys: ['u1', 7] }), record({ request_id: 'old-2', at: 1 }), record({ request_id: 'old-1', at: 2 })];
    const insert = old.prepare('INSERT INTO prediction_log (kind, at, request_id, service, model, version, record) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const r of rs) {
      const { lastInsertRowid } = insert.run(r.kind, Date.parse(r.timestamp), r.request_id, null, r.model, r.version, JSON.stringify(r));
      for (const key of r.keys ?? []) old.prepare('INSERT INTO prediction_log_keys (seq, key) VALUES (?, ?)').run(lastInsertRowid, String(key));
    }
    old.close();

    const log = new SqliteEventLog({ path: file, writeOffThread: true });
    try {
      const later = record({ request_id: 'new-1', keys: ['u1'], at: 3 });
      await log.append([later]); // the writer thread migrates (or waits for the reader's migration)
      const ids = async (q: Parameters<SqliteEventLog['query']>[0]) => (await log.query(q)).records.map((r) => r.id);
      expect(await ids({ requestId: 'old-1' })).toEqual([rs[0]?.id, rs[2]?.id]);
      expect(await ids({ requestId: 'old-2' })).toEqual([rs[1]?.id]);
      expect(await ids({ key: 'u1' })).toEqual([rs[0]?.id, later.id]);
      expect(await ids({ key: '7' })).toEqual([rs[0]?.id]);
    } finally {
      await log.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(EVENT_LOG_SCHEMA_VERSION);
      const objects = (db.prepare('SELECT name FROM sqlite_master').all() as { name: string }[]).map((o) => o.name);
      expect(objects).not.toContain('prediction_log_keys');
      expect(objects).not.toContain('prediction_log');
    } finally {
      db.close();
    }
  });

  it('a file of the second layout (lookup rows keyed by bucket) is migrated on open, its records still found by id and key', async () => {
    const file = freshPath();
    const calls = Array.from({ length: 6 }, (_, i) => ({
      noted: { requestId: `l2-${i}`, keys: [`k-${i % 2}`], inputs: [[i]], outputs: [i] },
      call: { model: 'iris', version: '1', latencyMs: 1, status: 'ok', at: BASE + i, keepInputs: true, redact: [] },
    }));
    const writer = new SqliteEventLog({ path: file });
    await writer.appendBatch(encodeBatch(calls.slice(0, 3)));
    await writer.appendBatch(encodeBatch(calls.slice(3)));
    await writer.close();
    // Back to layout 2 as it was: the same rows in prediction_log_lookup, keyed (bucket, first_seq).
    const old = new Database(file);
    old.exec(`CREATE TABLE prediction_log_lookup (bucket INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
        entries BLOB NOT NULL, PRIMARY KEY (bucket, first_seq)) WITHOUT ROWID;
      INSERT INTO prediction_log_lookup SELECT bucket, first_seq, last_seq, entries FROM prediction_log_index;
      DROP TABLE prediction_log_index;
      PRAGMA user_version = 2;`);
    old.close();

    const log = new SqliteEventLog({ path: file, writeOffThread: true });
    try {
      await log.appendBatch(encodeBatch([{ ...calls[0]!, noted: { ...calls[0]!.noted, requestId: 'l3' } }]));
      const ids = async (q: EventQuery) => (await log.query(q)).records.map((r) => r.request_id);
      expect(await ids({ requestId: 'l2-4' })).toEqual(['l2-4']);
      expect(await ids({ key: 'k-0' })).toEqual(['l2-0', 'l2-2', 'l2-4', 'l3']);
      expect(await ids({ key: 'k-0', after: '3' })).toEqual(['l2-4', 'l3']);
    } finally {
      await log.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(EVENT_LOG_SCHEMA_VERSION);
      expect((db.prepare('SELECT name FROM sqlite_master').all() as { name: string }[]).map((o) => o.name)).not.toContain('prediction_log_lookup');
      expect(db.prepare('SELECT count(*) AS n FROM prediction_log_index').get()).toEqual({ n: expect.any(Number) as number });
    } finally {
      db.close();
    }
  });

  it('the lookup hash is pinned: files written earlier must keep finding their records', () => {
    // Changing lookupHash breaks every existing file; these values must never change.
    expect(lookupHash(LOOKUP_TAG.requestId, 'r1')).toBe(2150109728812733);
    expect(lookupHash(LOOKUP_TAG.key, 'r1')).toBe(1391022392996323);
    expect(lookupHash(LOOKUP_TAG.requestId, '')).toBe(3953637432279482);
    expect(lookupHash(LOOKUP_TAG.key, 'ünïcode ✓')).toBe(627877890905442);
    expect(LOOKUP_BUCKETS).toBe(64);
  });
});
