import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import { eventLogContract, record } from './event-log.contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-eventlog-sqlite-'));
let files = 0;
const freshPath = (): string => path.join(dir, `log-${files++}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EventLog contract: sqlite', () => {
  eventLogContract(async () => new SqliteEventLog({ path: freshPath() }));
});

describe('EventLog contract: sqlite, writing from its own thread (what the server uses)', () => {
  eventLogContract(async () => new SqliteEventLog({ path: freshPath(), writeOffThread: true }));
});

describe('sqlite event log specifics', () => {
  it('records survive a reopen, in WAL mode, with indexes on request id, key and time', async () => {
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
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((i) => i.name);
      expect(indexes).toEqual(expect.arrayContaining(['prediction_log_request_id', 'prediction_log_at', 'prediction_log_keys_key']));
    } finally {
      db.close();
    }
  });
});
