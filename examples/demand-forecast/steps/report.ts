/**
 * Step `report`: the model against seasonal naive on the held-out weeks, and where the
 * forecasts are — as lines of the step's log (shown while the pipeline runs) and `report.md`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StepContext } from '../../../src/pipelines/types.js';
import { EVALUATION_FILE, FORECAST_SUMMARY_FILE, FORECASTS_FILE } from './files.js';
import { folder } from './settings.js';

interface Evaluation {
  mae: number;
  seasonal_naive_mae: number;
  improvement: number;
  held_out_weeks: number;
  held_out_rows: number;
  stores: number;
  first_origin: string;
  last_target: string;
  by_horizon: { horizon: number; mae: number; seasonal_naive_mae: number; improvement: number }[];
}

interface ForecastSummary {
  first_date: string;
  last_date: string;
  stores: number;
  rows: number;
}

export function report(ctx: StepContext): void {
  const evaluation = readJson<Evaluation>(path.join(folder(ctx, 'inputs', 'metrics'), EVALUATION_FILE));
  const forecasts = folder(ctx, 'inputs', 'forecasts');
  const summary = readJson<ForecastSummary>(path.join(forecasts, FORECAST_SUMMARY_FILE));
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const row = (label: string, ...cells: string[]): string => `${label.padEnd(22)}${cells.map((c) => c.padStart(9)).join('')}`;
  const lines = [
    `Held-out weeks: ${evaluation.held_out_weeks} weekly origins, ${evaluation.first_origin} … ${evaluation.last_target} (${evaluation.held_out_rows} store-days, ${evaluation.stores} stores)`,
    row('MAE (visitors/day)', 'all', ...evaluation.by_horizon.map((h) => `h=${h.horizon}`)),
    row('  model', evaluation.mae.toFixed(2), ...evaluation.by_horizon.map((h) => h.mae.toFixed(2))),
    row('  seasonal naive', evaluation.seasonal_naive_mae.toFixed(2), ...evaluation.by_horizon.map((h) => h.seasonal_naive_mae.toFixed(2))),
    row('  improvement', pct(evaluation.improvement), ...evaluation.by_horizon.map((h) => pct(h.improvement))),
    `Forecasts: ${summary.rows} rows (${summary.stores} stores × 7 days, ${summary.first_date} … ${summary.last_date})`,
    `  ${path.join(forecasts, FORECASTS_FILE)}`,
  ];
  for (const line of lines) ctx.log(line);
  writeFileSync(path.join(folder(ctx, 'outputs', 'report'), 'report.md'), `# Demand forecast\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
