/** Step `generate`: the synthetic daily visitors of every store (examples/demand-forecast/generate.ts). */
import type { StepContext, StepResult } from '../../../src/pipelines/types.js';
import { formatDate } from '../calendar.js';
import { writeVisitorData } from '../data-io.js';
import { GENERATE_DEFAULTS, generateVisitors } from '../generate.js';
import { folder, integerSetting, numberSetting, stringSetting } from './settings.js';

export function generate(ctx: StepContext): StepResult {
  const data = generateVisitors({
    seed: integerSetting(ctx, 'seed', GENERATE_DEFAULTS.seed),
    stores: integerSetting(ctx, 'stores', GENERATE_DEFAULTS.stores),
    years: numberSetting(ctx, 'years', GENERATE_DEFAULTS.years),
    endDate: stringSetting(ctx, 'end_date', GENERATE_DEFAULTS.endDate),
  });
  writeVisitorData(folder(ctx, 'outputs', 'data'), data);
  ctx.log(`${data.stores.length} stores × ${data.days} days, ${formatDate(data.firstDay)} to ${formatDate(data.firstDay + data.days - 1)}`);
  return { metrics: { stores: data.stores.length, days: data.days } };
}
