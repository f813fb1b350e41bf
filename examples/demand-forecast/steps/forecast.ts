/**
 * Step `forecast`: the batch forecast — standing at the data's last day, the next 7 days for
 * every store, from the registered model file run by onnxruntime. Runs after `register`, so a
 * model the gate rejected never forecasts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StepContext, StepResult } from '../../../src/pipelines/types.js';
import { formatDate } from '../calendar.js';
import { readVisitorData } from '../data-io.js';
import { buildFeatures, MAX_HORIZON } from '../features.js';
import { checkFeatureSpec, MODEL_FILE } from '../feature-spec.js';
import { forecastVisitors } from '../score.js';
import { FORECASTS_FILE, FORECAST_SUMMARY_FILE } from './files.js';
import { folder } from './settings.js';

export async function forecast(ctx: StepContext): Promise<StepResult> {
  const model = folder(ctx, 'inputs', 'model');
  const data = readVisitorData(folder(ctx, 'inputs', 'data'));
  const origin = data.days - 1;
  const set = buildFeatures(data, [origin]);
  checkFeatureSpec(model, set.names);
  const forecasts = await forecastVisitors(path.join(model, MODEL_FILE), set);

  const lines = ['store,date,forecast,seasonal_naive'];
  for (let i = 0; i < set.rows; i++) {
    const store = data.stores[set.store[i] ?? -1]?.id ?? '?';
    const date = formatDate((set.originDay[i] ?? 0) + (set.horizon[i] ?? 0));
    lines.push(`${store},${date},${(forecasts[i] ?? 0).toFixed(1)},${set.seasonalNaive[i]}`);
  }
  const out = folder(ctx, 'outputs', 'forecasts');
  writeFileSync(path.join(out, FORECASTS_FILE), `${lines.join('\n')}\n`);
  const originDay = data.firstDay + origin;
  const summary = {
    origin: formatDate(originDay),
    first_date: formatDate(originDay + 1),
    last_date: formatDate(originDay + MAX_HORIZON),
    stores: data.stores.length,
    rows: set.rows,
    total_visitors: Math.round(forecasts.reduce((s, v) => s + v, 0)),
  };
  writeFileSync(path.join(out, FORECAST_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  ctx.log(`${summary.rows} forecasts (${summary.stores} stores × ${MAX_HORIZON} days) for ${summary.first_date} … ${summary.last_date}`);
  return { metrics: { forecast_rows: summary.rows } };
}
