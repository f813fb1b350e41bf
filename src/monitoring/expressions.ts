/**
 * The small expression language of alert rules, retrain triggers and promotion
 * gates: `<metric> <op> <number>` (e.g. `drift_share > 0.3`, `accuracy>=0.9`)
 * and `feature:<name> drifted`. Parsed once (config load), evaluated per run.
 */
export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type Condition =
  | { readonly kind: 'compare'; readonly metric: string; readonly op: Comparison; readonly value: number; readonly text: string }
  | { readonly kind: 'feature-drifted'; readonly feature: string; readonly text: string };

const COMPARE = /^\s*([A-Za-z_][\w.:-]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;
const FEATURE_DRIFTED = /^\s*feature:([^\s]+)\s+drifted\s*$/;

/** Throws an Error naming the accepted forms when `text` is neither. */
export function parseCondition(text: string): Condition {
  const drifted = FEATURE_DRIFTED.exec(text);
  if (drifted) return { kind: 'feature-drifted', feature: drifted[1] ?? '', text: text.trim() };
  const compare = COMPARE.exec(text);
  if (compare) return { kind: 'compare', metric: compare[1] ?? '', op: compare[2] as Comparison, value: Number(compare[3]), text: text.trim() };
  throw new Error(`"${text}" is not a condition: write "<metric> <op> <number>" (op one of > >= < <= == !=) or "feature:<name> drifted"`);
}

export function compare(left: number, op: Comparison, right: number): boolean {
  switch (op) {
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '==':
      return left === right;
    case '!=':
      return left !== right;
  }
}

/** Whether the condition holds; `undefined` when the metric it reads is not there (not an alert, not a clear). */
export function evaluateCondition(condition: Condition, metrics: Readonly<Record<string, number>>, drifted: ReadonlySet<string>): boolean | undefined {
  if (condition.kind === 'feature-drifted') return drifted.has(condition.feature);
  const value = metrics[condition.metric];
  return value === undefined ? undefined : compare(value, condition.op, condition.value);
}

/** "1h", "30m", "7d", "45s" → milliseconds. */
export function parseWindow(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a window: write a number and a unit s, m, h or d (e.g. 1h)`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
