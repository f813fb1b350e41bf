import { joinFeedback, type JoinedRow } from '../evaluation/join.js';
import type { PredictionRecord } from '../ports/event-log.js';
import type { SplitNode } from '../services/schema.js';
import { summarize, verdict, type Verdict } from '../stats/experiments.js';
import { lastCallPerRequest, under } from './records.js';

export interface VariantReport {
  readonly name: string;
  readonly weight: number;
  /** Requests this variant served (had a logged call under "<variant>/"). */
  readonly requests: number;
  readonly errors: number;
  /** Instances with feedback joined. */
  readonly feedback: number;
  /** Success per instance: label feedback equal to the logged label, else reward ≥ 0.5. */
  readonly success: { readonly trials: number; readonly successes: number; readonly rate: number | null };
  readonly reward: { readonly n: number; readonly mean: number | null };
  readonly value: { readonly n: number; readonly mean: number | null };
}

export interface Comparison {
  /** The variant compared with the control (the first variant of the node). */
  readonly variant: string;
  readonly metric: 'success_rate' | 'reward' | 'value';
  readonly test: 'two-proportion z-test' | "Welch's t-test";
  readonly verdict: Verdict;
}

export interface SplitReport {
  readonly type: 'split';
  readonly node: string;
  /** Requests served through this node: the sum of the variants' requests. */
  readonly requests: number;
  readonly control: string;
  readonly variants: readonly VariantReport[];
  readonly comparisons: readonly Comparison[];
}

export interface SplitReportOptions {
  /** Smallest absolute difference in success rate worth detecting. @default 0.05 */
  readonly rateEffect?: number;
  /** Smallest difference in a mean worth detecting, in standard deviations (Cohen's d). @default 0.2 */
  readonly meanEffectSd?: number;
  /** @default 0.05 */
  readonly alpha?: number;
}

const asText = (label: unknown): string => (typeof label === 'string' ? label : JSON.stringify(label));

/** The success of one instance, or undefined when its feedback says nothing about it. */
export function succeeded(row: JoinedRow): boolean | undefined {
  const truth = row.truth;
  if (!truth) return undefined;
  // Labels compare as text: feedback may send 1 where the model logged "1".
  if (truth.label !== undefined && row.predictedLabel !== undefined) return String(truth.label) === asText(row.predictedLabel);
  if (truth.reward !== undefined) return truth.reward >= 0.5;
  return undefined;
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

interface VariantData {
  readonly report: VariantReport;
  readonly rewards: number[];
  readonly values: number[];
}

function variantData(name: string, weight: number, calls: readonly PredictionRecord[], feedback: readonly PredictionRecord[]): VariantData {
  const rows = joinFeedback(calls, feedback).filter((r) => r.truth !== undefined);
  const outcomes = rows.map(succeeded).filter((x): x is boolean => x !== undefined);
  const rewards = rows.map((r) => r.truth?.reward).filter((x): x is number => x !== undefined);
  const values = rows.map((r) => r.truth?.value).filter((x): x is number => x !== undefined);
  const successes = outcomes.filter(Boolean).length;
  return {
    rewards,
    values,
    report: {
      name,
      weight,
      requests: calls.length,
      errors: calls.filter((r) => r.status !== 'ok').length,
      feedback: rows.length,
      success: { trials: outcomes.length, successes, rate: outcomes.length > 0 ? successes / outcomes.length : null },
      reward: { n: rewards.length, mean: mean(rewards) },
      value: { n: values.length, mean: mean(values) },
    },
  };
}

function compare(control: VariantData, other: VariantData, options: SplitReportOptions): Comparison[] {
  const alpha = options.alpha ?? 0.05;
  const out: Comparison[] = [];
  const a = control.report.success;
  const b = other.report.success;
  if (a.trials > 0 && b.trials > 0) {
    const v = verdict({ metric: 'rate', a: { successes: a.successes, total: a.trials }, b: { successes: b.successes, total: b.trials }, minimumDetectableEffect: options.rateEffect ?? 0.05, alpha });
    out.push({ variant: other.report.name, metric: 'success_rate', test: 'two-proportion z-test', verdict: v });
  }
  for (const metric of ['reward', 'value'] as const) {
    const xs = metric === 'reward' ? control.rewards : control.values;
    const ys = metric === 'reward' ? other.rewards : other.values;
    if (xs.length < 2 || ys.length < 2) continue;
    const sa = summarize(xs);
    const sb = summarize(ys);
    const pooledSd = Math.sqrt(((sa.n - 1) * sa.variance + (sb.n - 1) * sb.variance) / (sa.n + sb.n - 2));
    // Constant samples have no spread to size an experiment by: one unit of the metric stands in.
    const sd = pooledSd > 0 ? pooledSd : 1;
    const v = verdict({ metric: 'mean', a: sa, b: sb, minimumDetectableEffect: (options.meanEffectSd ?? 0.2) * sd, standardDeviation: sd, alpha });
    out.push({ variant: other.report.name, metric, test: "Welch's t-test", verdict: v });
  }
  return out;
}

/**
 * Online A/B from the log: per variant of the split, the requests it served
 * (its calls under "<variant>/"), the feedback joined to them, and each
 * variant against the control (the first declared) with a significance verdict.
 */
export function splitReport(node: SplitNode, prefix: string, records: readonly PredictionRecord[], feedback: readonly PredictionRecord[], options: SplitReportOptions = {}): SplitReport {
  const data = Object.entries(node.variants).map(([name, variant]) => {
    const calls = [...lastCallPerRequest(records.filter((r) => under(r, `${prefix}${name}/`))).values()];
    return variantData(name, variant.weight, calls, feedback);
  });
  const [control, ...others] = data;
  return {
    type: 'split',
    node: prefix,
    requests: data.reduce((s, d) => s + d.report.requests, 0),
    control: control?.report.name ?? '',
    variants: data.map((d) => d.report),
    comparisons: control ? others.flatMap((o) => compare(control, o, options)) : [],
  };
}
