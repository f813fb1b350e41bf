/**
 * Step `features`: forecast-origin features of the training origins and of the held-out
 * weeks (the last `holdout_weeks` weekly origins), as two artifacts.
 */
import type { StepContext, StepResult } from '../../../src/pipelines/types.js';
import { formatDate } from '../calendar.js';
import { readVisitorData } from '../data-io.js';
import { writeFeatureSet } from '../feature-io.js';
import { buildFeatures } from '../features.js';
import { splitOrigins } from '../split.js';
import { folder, integerSetting } from './settings.js';

export function features(ctx: StepContext): StepResult {
  const data = readVisitorData(folder(ctx, 'inputs', 'data'));
  const split = splitOrigins(data.days, { holdoutWeeks: integerSetting(ctx, 'holdout_weeks'), trainWeeks: integerSetting(ctx, 'train_weeks') });
  const train = buildFeatures(data, split.train);
  ctx.progress(1, 2, 'training origins');
  const test = buildFeatures(data, split.test);
  writeFeatureSet(folder(ctx, 'outputs', 'train'), train, data.stores);
  writeFeatureSet(folder(ctx, 'outputs', 'test'), test, data.stores);
  const date = (i: number | undefined): string => formatDate(data.firstDay + (i ?? 0));
  ctx.log(`training: ${split.train.length} weekly origins ${date(split.train[0])} … ${date(split.train.at(-1))}, ${train.rows} rows`);
  ctx.log(`held out: ${split.test.length} weekly origins ${date(split.test[0])} … ${date(split.test.at(-1))}, ${test.rows} rows`);
  return { metrics: { train_rows: train.rows, test_rows: test.rows, features: train.names.length } };
}
