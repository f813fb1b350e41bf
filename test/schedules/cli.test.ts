import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { openSqliteScheduleStore } from '../../src/adapters/sqlite/schedule-store.js';
import { BIN, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { until } from './helpers.js';

// Runs the built CLI: `npm run build` first.
const IRIS = path.join(REPO_ROOT, 'examples/iris');
let dir: string;
let config: string;

const yaml = (schedule: string): string => `
storage: { stateDir: state }
schedules:
${schedule}
`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlp-schedules-cli-'));
  writeFileSync(
    path.join(dir, 'rows.jsonl'),
    '{"id":"a","sl":5.1,"sw":3.5,"pl":1.4,"pw":0.2}\n{"id":"b","sl":6.7,"sw":3.0,"pl":5.2,"pw":2.3}\n',
  );
  config = path.join(dir, 'mlpatterns.yaml');
  writeFileSync(
    config,
    yaml(`  - name: fill
    cron: "0 3 * * *"
    timezone: Europe/Berlin
    batch: { model: ${IRIS}, input: rows.jsonl, key: id, output: "sqlite:out.db?table=scores" }
  - name: paused
    cron: "@hourly"
    enabled: false
    batch: { model: ${IRIS}, input: rows.jsonl, key: id, output: out.jsonl }`),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mlpatterns schedules', () => {
  it('run --now runs one tick of a schedule (paths relative to the config) and prints the run', async () => {
    const result = await runCli(['schedules', 'run', config, '--now', 'fill'], { cwd: tmpdir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/succeeded\s+attempts 1 .* 2 keys/);
  }, 30_000);

  it('history lists the recorded runs, as JSON with --json', async () => {
    const text = await runCli(['schedules', 'history', 'fill', '-c', config]);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(1);
    const json = await runCli(['schedules', 'history', 'fill', '-c', config, '--json', '--limit', '5']);
    const runs = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(runs).toEqual([expect.objectContaining({ schedule: 'fill', status: 'succeeded', attempts: 1, summary: expect.objectContaining({ keysWritten: 2 }) as unknown })]);
    expect((await runCli(['schedules', 'history', 'paused', '-c', config])).stdout).toBe('no runs of schedule "paused"\n');
  });

  it('list shows the next fire times in the schedule\'s time zone and the last run', async () => {
    const result = await runCli(['schedules', 'list', config, '--next', '2']);
    expect(result.code).toBe(0);
    const [fill, fillNext, fillLast, paused, pausedNext] = result.stdout.trim().split('\n');
    expect(fill).toContain('fill  "0 3 * * *" (Europe/Berlin)');
    // 03:00 in Berlin is 01:00 or 02:00 UTC, depending on daylight saving time.
    expect(fillNext).toMatch(/^ {2}next: \d{4}-\d\d-\d\dT0[12]:00:00\.000Z, \d{4}-\d\d-\d\dT0[12]:00:00\.000Z$/);
    expect(fillLast).toMatch(/^ {2}last: .*succeeded/);
    expect(paused).toContain('disabled');
    expect(pausedNext).toBe('  next: -');
  });

  it('refuses a config with an invalid cron at start-up, naming the schedule', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, yaml(`  - name: broken
    cron: "61 * * * *"
    batch: { model: ${IRIS}, input: rows.jsonl, key: id, output: out.jsonl }`));
    const result = await runCli(['schedules', 'list', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/schedules\.0\.cron.*invalid cron "61 \* \* \* \*".*minute/s);
  });

  it('run keeps the scheduler going on its cron until SIGTERM', async () => {
    const every = path.join(dir, 'every-second.yaml');
    writeFileSync(every, yaml(`  - name: tick
    cron: "* * * * * *"
    batch: { model: ${IRIS}, input: rows.jsonl, key: id, output: ticks.jsonl }`));
    const child = spawn(process.execPath, [BIN, 'schedules', 'run', every], { env: { ...process.env } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const store = openSqliteScheduleStore({ path: path.join(dir, 'state', 'mlpatterns.db') });
    try {
      await until(async () => (await store.history('tick', 10)).some((r) => r.status === 'succeeded'), 15_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^schedule tick: "\* \* \* \* \* \*" \(UTC\), next \d{4}-.*Z$/m);
    expect(stdout).toContain('SIGTERM received, stopping the scheduler');
    expect((await store.history('tick', 100)).filter((r) => r.status === 'running')).toEqual([]);
    await store.close();
  }, 30_000);

  it('refuses an unknown schedule name for --now', async () => {
    const result = await runCli(['schedules', 'run', config, '--now', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown schedule "nope" (schedules: fill, paused)');
  });
});
