import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFeatureSpec } from '../../examples/demand-forecast/feature-spec.js';
import { FEATURE_NAMES } from '../../examples/demand-forecast/features.js';
import { evaluate } from '../../examples/demand-forecast/steps/evaluate.js';
import { features } from '../../examples/demand-forecast/steps/features.js';
import { forecast } from '../../examples/demand-forecast/steps/forecast.js';
import { generate } from '../../examples/demand-forecast/steps/generate.js';
import { report } from '../../examples/demand-forecast/steps/report.js';
import { train } from '../../examples/demand-forecast/steps/train.js';
import { splitOrigins } from '../../examples/demand-forecast/split.js';
import { readPackage } from '../../src/package/read-package.js';
import type { StepContext } from '../../src/pipelines/types.js';

/**
 * The steps called directly, in pipeline order, on a smaller world than the pipeline's default
 * (the CLI test, test/examples/demand-forecast.test.ts, runs the real pipeline).
 */
const PARAMS = { seed: 3, stores: 30, years: 2, end_date: '2024-11-03', holdout_weeks: 6, train_weeks: 52, trees: 60 };
const TRAIN_WITH = { name: 'demand-forecast', max_depth: 5, learning_rate: 0.1, subsample: 0.5, min_samples_leaf: 20 };

let root: string;
let days: number;
const logs: string[] = [];
const metrics: Record<string, number> = {};

function context(step: string, params: Record<string, unknown>, inputs: Record<string, string>, outputs: string[]): StepContext {
  return {
    run: { id: 'test-run', pipeline: 'demand-forecast', attempt: 1 },
    step,
    params,
    inputs,
    outputs: Object.fromEntries(outputs.map((name) => [name, emptyFolder(`${step}.${name}`)])),
    workDir: path.resolve('examples/demand-forecast'),
    storage: { stateDir: root },
    signal: new AbortController().signal,
    log: (line) => logs.push(`${step} | ${line}`),
    progress: () => undefined,
    metric: (name, value) => (metrics[`${step}.${name}`] = value),
  };
}

const at = (name: string): string => path.join(root, name);

function emptyFolder(name: string): string {
  mkdirSync(at(name));
  return at(name);
}

describe('demand-forecast steps', () => {
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'mlp-df-steps-'));
    days = generate(context('generate', PARAMS, {}, ['data'])).metrics?.days ?? 0;
    features(context('features', PARAMS, { data: at('generate.data') }, ['train', 'test']));
    train(context('train', { ...PARAMS, ...TRAIN_WITH }, { train: at('features.train') }, ['model']));
    await evaluate(context('evaluate', {}, { model: at('train.model'), test: at('features.test') }, ['metrics']));
    await forecast(context('forecast', {}, { model: at('train.model'), data: at('generate.data') }, ['forecasts']));
    report(context('report', {}, { metrics: at('evaluate.metrics'), forecasts: at('forecast.forecasts') }, ['report']));
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('train writes a package a server can load: model.onnx, manifest with signature and baseline', async () => {
    const pkg = await readPackage(at('train.model'));
    expect(pkg.manifest.name).toBe('demand-forecast');
    expect(pkg.manifest.signatures?.forecast?.inputs?.[0]).toEqual({ name: 'features', dtype: 'float32', shape: [-1, FEATURE_NAMES.length] });
    expect(Object.keys(pkg.manifest.baseline ?? {})).toEqual([...FEATURE_NAMES]);
    // Two years leave 42 weekly origins after the first year of history and before the held-out weeks.
    const trainWeeks = splitOrigins(days, { holdoutWeeks: PARAMS.holdout_weeks, trainWeeks: PARAMS.train_weeks }).train.length;
    expect(trainWeeks).toBe(42);
    expect(pkg.manifest.metrics?.train_rows).toBe(trainWeeks * 30 * 7);
  });

  it('a package is used only with the features it was trained on', () => {
    expect(() => checkFeatureSpec(at('train.model'), FEATURE_NAMES)).not.toThrow();
    expect(() => checkFeatureSpec(at('train.model'), [...FEATURE_NAMES, 'new_feature'])).toThrow(/the model was trained on features \[horizon, .*retrain it/);
  });

  it('evaluate: metrics.json holds model and seasonal-naive MAE on the held-out weeks; the model beats the baseline by >= 10 %', () => {
    const m = JSON.parse(readFileSync(at('evaluate.metrics/metrics.json'), 'utf8')) as Record<string, number>;
    expect(m).toMatchObject({ held_out_weeks: 6, held_out_rows: 6 * 30 * 7 });
    expect(m.improvement).toBeCloseTo(1 - (m.mae ?? 0) / (m.seasonal_naive_mae ?? 1), 3);
    expect(m.improvement).toBeGreaterThanOrEqual(0.1);
    expect(metrics).toMatchObject({ 'evaluate.mae': m.mae, 'evaluate.seasonal_naive_mae': m.seasonal_naive_mae, 'evaluate.improvement': m.improvement });
  });

  it('forecast: every store × the 7 days after the data, non-negative numbers', () => {
    const [header, ...rows] = readFileSync(at('forecast.forecasts/forecasts.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe('store,date,forecast,seasonal_naive');
    expect(rows).toHaveLength(30 * 7);
    const stores = new Set(rows.map((r) => r.split(',')[0]));
    const dates = [...new Set(rows.map((r) => r.split(',')[1]))].sort();
    expect(stores.size).toBe(30);
    expect(dates).toEqual(['2024-11-04', '2024-11-05', '2024-11-06', '2024-11-07', '2024-11-08', '2024-11-09', '2024-11-10']);
    expect(rows.every((r) => Number(r.split(',')[2]) >= 0)).toBe(true);
  });

  it('report: the comparison table and where the forecasts are', () => {
    const text = logs.filter((l) => l.startsWith('report | ')).join('\n');
    expect(text).toMatch(/model\s+\d+\.\d\d/);
    expect(text).toMatch(/seasonal naive\s+\d+\.\d\d/);
    expect(text).toMatch(/improvement\s+\d+\.\d %/);
    expect(text).toContain(at('forecast.forecasts/forecasts.csv'));
    expect(readFileSync(at('report.report/report.md'), 'utf8')).toContain('seasonal naive');
  });
});
