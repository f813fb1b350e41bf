import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { buildFeatures, featureRow } from '../../examples/demand-forecast/features.js';
import { GENERATE_DEFAULTS, generateVisitors } from '../../examples/demand-forecast/generate.js';
import type { TrainingRun, TrainingStep } from '../../src/ports/training-run-store.js';
import { runCli, startCliServer, type CliResult } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/**
 * The "done when" for the demand forecast, through the real CLI (dist/, as `npx mlpatterns`
 * runs it): the pipeline runs, prints the model's and seasonal naive's MAE on the held-out weeks
 * with the model >= 10 % better, forecasts the next 7 days for every store, registers the model as
 * `candidate`, and a second run of the unchanged pipeline reuses every step from cache.
 */
const PIPELINE = 'examples/demand-forecast/pipeline.yaml';
const STEPS = ['generate', 'features', 'train', 'evaluate', 'register', 'forecast', 'report'];
const STORES = 120;

/** A number the report step printed on the line starting with `label` (its "all" column). */
function reported(stdout: string, label: string): number {
  const match = new RegExp(`report \\|\\s+${label}\\s+(\\d+(?:\\.\\d+)?)`).exec(stdout);
  if (!match) throw new Error(`no "${label}" line in the report:\n${stdout}`);
  return Number(match[1]);
}

describe('example: demand-forecast (mlpatterns train examples/demand-forecast/pipeline.yaml)', () => {
  let stateDir: string;
  let first: CliResult;
  let second: CliResult;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'mlp-demand-forecast-'));
    first = await runCli(['train', PIPELINE, '--state-dir', stateDir]);
    second = await runCli(['train', PIPELINE, '--state-dir', stateDir, '--json']);
  }, 300_000);
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('the first run runs every step and succeeds', () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const succeeded = [...first.stdout.matchAll(/^\s+✓ (\w+)\s+succeeded/gm)].map((m) => m[1]);
    expect(succeeded).toEqual(STEPS);
  });

  it('prints the model and seasonal-naive MAE on the held-out weeks; the model is >= 10 % better', () => {
    expect(first.stdout).toMatch(/report \| Held-out weeks: 8 weekly origins, 2025-04-06 … 2025-06-01 \(6720 store-days, 120 stores\)/);
    const model = reported(first.stdout, 'model');
    const naive = reported(first.stdout, 'seasonal naive');
    const improvement = reported(first.stdout, 'improvement');
    expect(model).toBeGreaterThan(0);
    expect(naive).toBeGreaterThan(model);
    expect(improvement).toBeCloseTo(100 * (1 - model / naive), 0);
    expect(improvement).toBeGreaterThanOrEqual(10);
    // The run summary carries the same numbers (metrics of the evaluate step).
    const summary = /^\s+✓ evaluate\s+succeeded.*?\bmae=([\d.]+)\s+seasonal_naive_mae=([\d.]+)/m.exec(first.stdout);
    expect(Number(summary?.[1])).toBeCloseTo(model, 1);
    expect(Number(summary?.[2])).toBeCloseTo(naive, 1);
  });

  it('forecasts the 7 days after the data for every store, with the exported model', () => {
    const file = /report \|\s+(\S+forecasts\.csv)/.exec(first.stdout)?.[1];
    expect(file).toBeDefined();
    expect(path.resolve(file ?? '').startsWith(path.resolve(stateDir))).toBe(true);
    const [header, ...rows] = readFileSync(file ?? '', 'utf8').trimEnd().split('\n');
    expect(header).toBe('store,date,forecast,seasonal_naive');
    expect(rows).toHaveLength(STORES * 7);
    const cells = rows.map((r) => r.split(','));
    expect(new Set(cells.map((c) => c[0])).size).toBe(STORES);
    expect([...new Set(cells.map((c) => c[1]))].sort()).toEqual(['2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06', '2025-06-07', '2025-06-08']);
    expect(cells.every((c) => Number(c[2]) >= 0 && Number.isFinite(Number(c[2])))).toBe(true);
  });

  it('registers the model as the candidate version, with the gate metrics', async () => {
    const shown = await runCli(['models', 'show', 'demand-forecast@candidate', '--state-dir', stateDir]);
    expect(shown.code, shown.stderr).toBe(0);
    const version = JSON.parse(shown.stdout) as { name: string; version: number; metrics?: Record<string, number> };
    expect(version).toMatchObject({ name: 'demand-forecast', version: 1 });
    expect(version.metrics?.improvement).toBeGreaterThanOrEqual(0.1);
  });

  it('the registered candidate, served over HTTP, answers what the batch forecast wrote', async () => {
    // The pipeline's data: its generator parameters are the generator's defaults.
    const pipeline = parseYaml(readFileSync(path.join(REPO_ROOT, PIPELINE), 'utf8')) as { params: Record<string, { default: unknown }> };
    expect([pipeline.params.seed?.default, pipeline.params.stores?.default, pipeline.params.years?.default, pipeline.params.end_date?.default]).toEqual([
      GENERATE_DEFAULTS.seed,
      GENERATE_DEFAULTS.stores,
      GENERATE_DEFAULTS.years,
      GENERATE_DEFAULTS.endDate,
    ]);
    const data = generateVisitors(GENERATE_DEFAULTS);
    const set = buildFeatures(data, [data.days - 1]);
    const instances = Array.from({ length: set.rows }, (_, i) => Array.from(featureRow(set, i)));

    const server = await startCliServer(['--model', 'demand-forecast@candidate', '--state-dir', stateDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'silent']);
    try {
      const response = await request(`${server.url}/v1/models/demand-forecast/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances }) });
      const body = (await response.body.json()) as { predictions: number[][] };
      expect(response.statusCode, JSON.stringify(body)).toBe(200);
      const file = /report \|\s+(\S+forecasts\.csv)/.exec(first.stdout)?.[1] ?? '';
      const written = readFileSync(file, 'utf8').trimEnd().split('\n').slice(1).map((r) => Number(r.split(',')[2]));
      const served = body.predictions.map((p, i) => Math.max(0, (p[0] ?? NaN) * (set.level[i] ?? NaN)));
      // forecasts.csv rounds to 0.1 visitors (plus float32 summation order, far below 0.001 visitors).
      served.forEach((v, i) => expect(Math.abs(v - (written[i] ?? NaN))).toBeLessThanOrEqual(0.051));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('the second run of the unchanged pipeline reuses every step from cache', () => {
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout) as { run: TrainingRun; steps: TrainingStep[] };
    expect(summary.run.status).toBe('succeeded');
    expect(summary.steps.map((s) => [s.step, s.status])).toEqual(STEPS.map((s) => [s, 'cached']));
    const evaluate = summary.steps.find((s) => s.step === 'evaluate');
    expect(evaluate?.metrics.mae).toBeCloseTo(reported(first.stdout, 'model'), 2);
    expect(evaluate?.metrics.seasonal_naive_mae).toBeCloseTo(reported(first.stdout, 'seasonal naive'), 2);
    expect(second.stderr).toContain(`${STEPS.length} of ${STEPS.length} steps reused from cache`);
  });

  it('the weekly schedule (mlpatterns.yaml) runs the same pipeline in a child process: all cached here', async () => {
    const env = { MLPATTERNS_STATE_DIR: stateDir };
    const tick = await runCli(['schedules', 'run', 'examples/demand-forecast/mlpatterns.yaml', '--now', 'weekly-demand-forecast'], { env });
    expect(tick.code, tick.stdout + tick.stderr).toBe(0);
    const runId = /succeeded .*training run (\S+)/.exec(tick.stdout)?.[1];
    expect(runId, tick.stdout).toBeDefined();
    const shown = await runCli(['train', 'show', runId ?? '', '--state-dir', stateDir, '--json']);
    const run = JSON.parse(shown.stdout) as { run: TrainingRun; steps: TrainingStep[] };
    expect(run.run.params).toMatchObject({ alias: 'candidate', trees: 100 });
    expect(run.steps.map((s) => s.status)).toEqual(STEPS.map(() => 'cached'));
    const listed = await runCli(['schedules', 'list', 'examples/demand-forecast/mlpatterns.yaml'], { env });
    expect(listed.stdout).toMatch(/weekly-demand-forecast\s+"0 3 \* \* 1" \(UTC\)\s+train \S+examples\/demand-forecast\/pipeline\.yaml/);
  }, 120_000);

  it('a model that does not beat seasonal naive by 10 % is rejected: nothing registered, no forecast', async () => {
    // Three trees are far too few; generate and features are reused from the runs above.
    const weak = await runCli(['train', PIPELINE, '--state-dir', stateDir, '--param', 'trees=3']);
    expect(weak.code, weak.stdout + weak.stderr).toBe(3);
    expect(weak.stdout).toMatch(/^\s+↺ features\s+cached/m);
    expect(weak.stdout).toMatch(/^\s+⊘ register\s+rejected/m);
    expect(weak.stdout).toMatch(/- improvement >= 0\.10 \(improvement=0\.\d+\) failed/);
    expect(weak.stdout).toMatch(/^\s+- forecast\s+skipped/m);
    const shown = await runCli(['models', 'show', 'demand-forecast', '--state-dir', stateDir]);
    const listed = JSON.parse(shown.stdout) as { versions: { version: number }[] };
    expect(listed.versions.map((v) => v.version)).toEqual([1]);
  }, 180_000);
});
