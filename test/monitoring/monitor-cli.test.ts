import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../src/adapters/sqlite/event-log.js';
import type { MonitorRun } from '../../src/monitoring/run-monitor.js';
import { record } from '../contract/event-log.contract.js';
import { IRIS_EXAMPLE, expected } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

// Runs the built CLI: `npm run build` first.
describe('mlpatterns monitor run --once', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-monitor-cli-'));
  const config = path.join(dir, 'mlpatterns.yaml');
  beforeAll(async () => {
    writeFileSync(
      config,
      [
        'storage: { stateDir: state }',
        `models: [ { name: iris, path: ${JSON.stringify(IRIS_EXAMPLE)} } ]`,
        'logging: { predictions: { store: sqlite, path: predictions.sqlite } }',
        'monitors:',
        '  - { name: iris-drift, model: iris, window: 1h, minSamples: 30, alerts: [ { when: "drift_share > 0.2", sink: log } ] }',
        '',
      ].join('\n'),
    );
    const log = new SqliteEventLog({ path: path.join(dir, 'predictions.sqlite') });
    const at = new Date(Date.now() - 1000).toISOString();
    await log.append(expected.inputs.map((row, i) => record({ request_id: `r-${i}`, inputs: [[row[0], row[1], (row[2] ?? 0) + 3, row[3]]], timestamp: at })));
    await log.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints the run: per-feature test, statistic, p-value, threshold, drifted; the log sink alerts on stderr', async () => {
    const res = await runCli(['monitor', 'run', config, '--once', '--json']);
    expect(res.code).toBe(0);
    const run = JSON.parse(res.stdout.trim()) as MonitorRun;
    expect(run).toMatchObject({ monitor: 'iris-drift', status: 'ok', samples: expected.inputs.length });
    expect(run.drift.features.find((f) => f.feature === 'petal_length')).toMatchObject({ test: 'ks', threshold: 0.05, drifted: true });
    expect(run.drift.driftShare).toBe(0.25);
    expect(res.stderr).toMatch(/"msg":"alert drift_share > 0.2 firing"/);
    expect(existsSync(path.join(dir, 'state', 'monitoring', 'iris-drift.json'))).toBe(true);
  });

  it('prints a readable report without --json; the alert is not re-sent', async () => {
    const res = await runCli(['monitor', 'run', config, '--once']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/petal_length: ks statistic=0\.\d+ p=\S+ threshold=0\.05 DRIFTED/);
    expect(res.stdout).toMatch(/alert drift_share > 0\.2: active/);
    expect(res.stderr).not.toMatch(/firing/);
  });

  it('an unknown monitor fails clearly', async () => {
    const res = await runCli(['monitor', 'run', config, '--once', '--monitor', 'nope']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no monitor "nope"/);
  });
});
