import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteScheduleStore } from '../../src/adapters/sqlite/schedule-store.js';
import { startServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { until } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-schedules-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schedules inside mlpatterns serve', () => {
  it('runs a schedule on its cron while serving, records it, and stops it on close', async () => {
    const input = path.join(dir, 'rows.jsonl');
    writeFileSync(input, '{"id":"a","sl":5.1,"sw":3.5,"pl":1.4,"pw":0.2}\n');
    const output = path.join(dir, 'out.db');
    const config = resolveConfig({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      storage: { stateDir: path.join(dir, 'state') },
      schedules: [
        {
          name: 'every-second',
          cron: '* * * * * *',
          batch: { model: path.join(REPO_ROOT, 'examples/iris'), input, key: 'id', output: `sqlite:${output}?table=scores` },
        },
      ],
    });
    const server = await startServer(config, { logger: false });
    const store = openSqliteScheduleStore({ path: path.join(dir, 'state', 'mlpatterns.db') });
    try {
      await until(async () => (await store.history('every-second', 10)).some((r) => r.status === 'succeeded'), 10_000);
    } finally {
      await server.close();
    }
    const db = new Database(output, { readonly: true });
    expect(db.prepare('SELECT id, label FROM scores').all()).toEqual([{ id: 'a', label: 'setosa' }]);
    db.close();
    // Closed: nothing is left running, and no tick fires any more.
    const after = await store.history('every-second', 100);
    expect(after.filter((r) => r.status === 'running')).toEqual([]);
    await store.close();
  }, 20_000);
});
