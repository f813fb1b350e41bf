import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from '../evaluation/duration.js';
import { DRIFT_TESTS } from './drift-tests.js';
import { parseCondition, parseWindow } from './expressions.js';

/** Schemas of the `monitors:` and `triggers:` config sections (docs/monitoring.md). */

const condition = z.string().superRefine((text, ctx) => {
  try {
    parseCondition(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const cron = z.string().superRefine((text, ctx) => {
  try {
    new Cron(text, { paused: true }).stop();
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a cron expression: ${(err as Error).message}` });
  }
});

const window = z.string().superRefine((text, ctx) => {
  try {
    parseWindow(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/** A continued-evaluation window width: the durations `eval run --window` takes. */
const evaluationWindow = z.string().superRefine((text, ctx) => {
  try {
    parseDuration('window', text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const alertRuleSchema = z
  .object({
    /** Names the alert in messages and dedup state. @default the `when` text */
    name: z.string().min(1).optional(),
    /** `drift_share > 0.3`, `drifted_features >= 2`, `samples < 100`, `feature:<name> drifted`, `accuracy < 0.9` (with `evaluation:`). */
    when: condition,
    sink: z.enum(['log', 'webhook']),
    /** Where the webhook sink POSTs (JSON). */
    url: z.string().url().optional(),
    /** Extra attempts after a failed webhook POST. @default 2 */
    retries: z.number().int().min(0).max(10).default(2),
  })
  .strict()
  .refine((a) => a.sink !== 'webhook' || a.url !== undefined, { message: 'a webhook sink needs "url"' });

export const monitorSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-"'),
    /** A model of `models:` (its served name): its records are read, its manifest's `baseline` is the reference. */
    model: z.string().min(1),
    /** Only records of this model version. @default every version */
    version: z.string().min(1).optional(),
    /** When `monitor run` (without --once) runs it. @default every 5 minutes */
    schedule: cron.default('*/5 * * * *'),
    /** How far back records are read. @default "1h" */
    window: window.default('1h'),
    /** Fewer recent instances than this: no verdict, alerts keep their state. @default 30 */
    minSamples: z.number().int().min(1).default(30),
    /** Only these features. @default every feature of the baseline */
    features: z.array(z.string().min(1)).optional(),
    /** A fixed drift method instead of Evidently's default choice. */
    test: z.enum(DRIFT_TESTS).optional(),
    /** The method's threshold instead of its Evidently default. */
    threshold: z.number().positive().optional(),
    /** Outlier rate: a model of `models:` scoring each logged instance; below `threshold` is an outlier. */
    outlier: z
      .object({
        model: z.string().min(1),
        /** @default 0 (a OneClassSVM decision function) */
        threshold: z.number().default(0),
      })
      .strict()
      .optional(),
    /** Latency SLO in ms: the share of calls slower than it becomes `latency_slo_violations`. */
    latencySloMs: z.number().positive().optional(),
    /**
     * Model quality from the stored continued evaluation (`eval run`, `evaluate:` schedules): the
     * latest stored window's `accuracy`, `f1`, `mae`, … join the run's metrics for alerts and triggers.
     */
    evaluation: z
      .object({
        /** The logged model name whose windows are read. @default the monitor's model */
        model: z.string().min(1).optional(),
        /** Only windows of this version. @default the monitor's version, else the busiest version of the latest window */
        version: z.string().min(1).optional(),
        /** Width of the stored windows read (as given to `eval run --window`). @default "1d" */
        window: evaluationWindow.default('1d'),
        /** Windows with fewer joined rows (feedback) are passed over for an older one. @default 30 */
        minJoined: z.number().int().min(1).default(30),
        /** Only windows that had ended when they were computed (not the window in progress). @default false */
        complete: z.boolean().default(false),
      })
      .strict()
      .optional(),
    alerts: z.array(alertRuleSchema).default([]),
  })
  .strict();

export const triggerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-"'),
    /** The monitor whose results it reads; it is evaluated after each run of that monitor. */
    monitor: z.string().min(1),
    /** Absolute threshold: `drift_share > 0.5`, `feature:petal_length drifted`. */
    when: condition.optional(),
    /** Change against a baseline: the metric watched (e.g. `drift_share`, `feature:petal_length.mean`). */
    metric: z.string().min(1).optional(),
    /** Which way is bad: `up` fires on a rise, `down` on a fall. @default "up" */
    direction: z.enum(['up', 'down']).default('up'),
    /** Relative change against the baseline that fires (0.05 = 5%). */
    baselineChange: z.number().positive().optional(),
    /** The baseline value. @default the metric's value at the trigger's first evaluation */
    baseline: z.number().optional(),
    action: z.union([
      z.object({ webhook: z.string().url() }).strict(),
      z.object({ command: z.array(z.string().min(1)).min(1) }).strict(),
      /** Runs `mlpatterns train <pipeline> --json` in a child process (docs/pipeline-builtins.md). */
      z
        .object({
          /** pipeline.yaml, relative to the config file. */
          pipeline: z.string().min(1),
          /** Pipeline parameters, as `--param name=value`. */
          params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
          /** `config`: the run registers into this config's registry; `pipeline`: the pipeline's own storage. @default "config" */
          storage: z.enum(['config', 'pipeline']).default('config'),
        })
        .strict(),
    ]),
  })
  .strict()
  .refine((t) => (t.when !== undefined) !== (t.metric !== undefined && t.baselineChange !== undefined), {
    message: 'give either "when" or both "metric" and "baselineChange"',
  });

export const monitorsSchema = z.array(monitorSchema).default([]);
export const triggersSchema = z.array(triggerSchema).default([]);

export type MonitorConfig = z.output<typeof monitorSchema>;
export type AlertRuleConfig = z.output<typeof alertRuleSchema>;
export type TriggerConfig = z.output<typeof triggerSchema>;

/** A `pipeline:` action's file is relative to the config file, like models' and schedules' paths. */
export function resolveTriggerPaths(triggers: readonly TriggerConfig[], base: string): TriggerConfig[] {
  return triggers.map((t) => ('pipeline' in t.action ? { ...t, action: { ...t.action, pipeline: path.resolve(base, t.action.pipeline) } } : t));
}

/** Cross-references: monitor names unique, triggers naming known monitors. */
export function monitoringProblems(monitors: readonly MonitorConfig[], triggers: readonly TriggerConfig[], models: ReadonlySet<string>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const names = new Set<string>();
  monitors.forEach((m, i) => {
    if (names.has(m.name)) problems.push({ path: ['monitors', i, 'name'], message: `duplicate monitor name "${m.name}"` });
    names.add(m.name);
    if (!models.has(m.model)) problems.push({ path: ['monitors', i, 'model'], message: `no model "${m.model}" in models:` });
    if (m.outlier !== undefined && !models.has(m.outlier.model)) problems.push({ path: ['monitors', i, 'outlier', 'model'], message: `no model "${m.outlier.model}" in models:` });
  });
  triggers.forEach((t, i) => {
    if (!names.has(t.monitor)) problems.push({ path: ['triggers', i, 'monitor'], message: `no monitor "${t.monitor}" in monitors:` });
  });
  return problems;
}
