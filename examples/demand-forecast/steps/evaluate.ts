/**
 * Step `evaluate`: the exported model file (run by onnxruntime, as served) against seasonal
 * naive on the held-out weeks. Writes `metrics.json` — what the register step's gate reads —
 * and `evaluation.json` with the error by horizon.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StepContext } from '../../../src/pipelines/types.js';
import { compareWithBaseline } from '../baseline.js';
import { formatDate } from '../calendar.js';
import { readFeatureSet } from '../feature-io.js';
import { MAX_HORIZON } from '../features.js';
import { checkFeatureSpec, MODEL_FILE } from '../feature-spec.js';
import { forecastVisitors } from '../score.js';
import { EVALUATION_FILE, METRICS_FILE } from './files.js';
import { folder } from './settings.js';

export async function evaluate(ctx: StepContext): Promise<void> {
  const model = folder(ctx, 'inputs', 'model');
  const test = readFeatureSet(folder(ctx, 'inputs', 'test'));
  checkFeatureSpec(model, test.names);
  const forecasts = await forecastVisitors(path.join(model, MODEL_FILE), test);
  const overall = compareWithBaseline(test.actual, forecasts, test.seasonalNaive);
  const byHorizon = Array.from({ length: MAX_HORIZON }, (_, k) => {
    const rows = [...test.horizon.keys()].filter((i) => test.horizon[i] === k + 1);
    const pick = (values: ArrayLike<number>): number[] => rows.map((i) => values[i] ?? Number.NaN);
    return { horizon: k + 1, ...compareWithBaseline(pick(test.actual), pick(forecasts), pick(test.seasonalNaive)) };
  });
  const origins = [...new Set(test.originDay)].sort((a, b) => a - b);
  const metrics = {
    mae: round(overall.mae),
    seasonal_naive_mae: round(overall.seasonal_naive_mae),
    improvement: round(overall.improvement),
    held_out_weeks: origins.length,
    held_out_rows: overall.rows,
  };
  const out = folder(ctx, 'outputs', 'metrics');
  writeFileSync(path.join(out, METRICS_FILE), `${JSON.stringify(metrics, null, 2)}\n`);
  const evaluation = {
    ...metrics,
    stores: test.storeIds.length,
    first_origin: formatDate(origins[0] ?? 0),
    last_target: formatDate((origins.at(-1) ?? 0) + MAX_HORIZON),
    by_horizon: byHorizon.map((h) => ({ ...h, mae: round(h.mae), seasonal_naive_mae: round(h.seasonal_naive_mae), improvement: round(h.improvement) })),
  };
  writeFileSync(path.join(out, EVALUATION_FILE), `${JSON.stringify(evaluation, null, 2)}\n`);
  ctx.log(`held-out weeks ${evaluation.first_origin} … ${evaluation.last_target}: model MAE ${metrics.mae}, seasonal naive MAE ${metrics.seasonal_naive_mae}`);
  ctx.metric('mae', metrics.mae);
  ctx.metric('seasonal_naive_mae', metrics.seasonal_naive_mae);
  ctx.metric('improvement', metrics.improvement);
}

function round(value: number): number {
  return Number(value.toFixed(4));
}
