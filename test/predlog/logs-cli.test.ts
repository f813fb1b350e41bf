import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import type { PredictionRecord } from '../../src/ports/event-log.js';
import { record } from '../contract/event-log.contract.js';
import { runCli } from '../helpers/cli.js';

// Runs the built CLI: `npm run build` first.
describe('mlpatterns logs query', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-logs-cli-'));
  const config = path.join(dir, 'mlpatterns.yaml');
  const records: PredictionRecord[] = [
    record({ request_id: 'r-1', model: 'iris', at: 1 }),
    record({ request_id: 'r-2', model: 'wine', at: 2 }),
    record({ request_id: 'r-3', model: 'iris', at: 3 }),
    record({ request_id: 'r-4', model: 'iris', at: 4 }),
  ];
  beforeAll(async () => {
    writeFileSync(config, 'models: []\nlogging:\n  predictions: { store: sqlite, path: predictions.sqlite }\n');
    const log = new SqliteEventLog({ path: path.join(dir, 'predictions.sqlite') });
    await log.append(records);
    await log.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints the matching records, oldest first, and the cursor when more match', async () => {
    const res = await runCli(['logs', 'query', config, '--model', 'iris', '--limit', '2', '--json']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as PredictionRecord);
    expect(lines.map((r) => r.request_id)).toEqual(['r-1', 'r-3']);
    const cursor = /--after (\S+)/.exec(res.stderr)?.[1];
    expect(cursor).toBeDefined();
    const next = await runCli(['logs', 'query', config, '--model', 'iris', '--after', cursor ?? '', '--json']);
    expect(next.stdout.trim().split('\n').map((l) => (JSON.parse(l) as PredictionRecord).request_id)).toEqual(['r-4']);
  });

  it('prints one readable line per record without --json, and a bad filter fails clearly', async () => {
    const res = await runCli(['logs', 'query', config, '--request-id', 'r-2']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/r-2 wine@1 ok 1\.50ms outputs=\[0\]/);
    const bad = await runCli(['logs', 'query', config, '--limit', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/limit/);
  });
});
