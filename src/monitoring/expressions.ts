/**
 * The small expression language of alert rules, retrain triggers and promotion
 * gates: `<metric> <op> <number>` (e.g. `drift_share > 0.3`, `accuracy>=0.9`)
 * and `feature:<name> drifted`; gates may also compare with the production
 * version: `<metric> <op> production [+-*] <number>`. Parsed once (config or
 * pipeline load), evaluated per run.
 */
export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type Condition =
  | { readonly kind: 'compare'; readonly metric: string; readonly op: Comparison; readonly value: number; readonly text: string }
  | { readonly kind: 'feature-drifted'; readonly feature: string; readonly text: string };

const METRIC = String.raw`([A-Za-z_][\w.:-]*)`;
const OP = String.raw`(>=|<=|==|!=|>|<)`;
const NUMBER = String.raw`(-?\d+(?:\.\d+)?(?:e-?\d+)?)`;
const COMPARE = new RegExp(String.raw`^\s*${METRIC}\s*${OP}\s*${NUMBER}\s*$`, 'i');
const VERSUS_PRODUCTION = new RegExp(String.raw`^\s*${METRIC}\s*${OP}\s*production\s*(?:([-+*])\s*${NUMBER})?\s*$`, 'i');
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

/**
 * An evaluation gate rule: an absolute bound (`accuracy >= 0.9`) or a bound
 * relative to the metric of the current production version (`mae <= production
 * * 1.05`, `accuracy >= production - 0.02`). The operator says which way is
 * worse, so one syntax covers metrics where higher is better and lower is better.
 */
export type GateRule =
  | { readonly kind: 'absolute'; readonly metric: string; readonly op: Comparison; readonly value: number; readonly text: string }
  | {
      readonly kind: 'versus-production';
      readonly metric: string;
      readonly op: Comparison;
      /** How the production value becomes the bound; none: the production value itself. */
      readonly adjust?: { readonly by: '+' | '-' | '*'; readonly amount: number };
      readonly text: string;
    };

/** Throws an Error naming the accepted forms when `text` is not a gate rule. */
export function parseGateRule(text: string): GateRule {
  const versus = VERSUS_PRODUCTION.exec(text);
  if (versus) {
    const [, metric = '', op, by, amount] = versus;
    const adjust = by !== undefined ? { adjust: { by: by as '+' | '-' | '*', amount: Number(amount) } } : {};
    return { kind: 'versus-production', metric, op: op as Comparison, ...adjust, text: text.trim() };
  }
  let condition: Condition;
  try {
    condition = parseCondition(text);
  } catch (err) {
    throw new Error(`${(err as Error).message}; a gate may also compare with production: "<metric> <op> production [+-*] <number>"`, { cause: err });
  }
  if (condition.kind !== 'compare') {
    throw new Error(`gate "${text}" must compare a metric: "<metric> <op> <number>" (e.g. accuracy>=0.9) or "<metric> <op> production [+-*] <number>"`);
  }
  return { kind: 'absolute', metric: condition.metric, op: condition.op, value: condition.value, text: condition.text };
}

/**
 * The bound a versus-production rule sets, given the production value. Rounded
 * to 12 significant digits so that `0.95 - 0.02` is 0.93, not 0.9299999999999999,
 * and a candidate exactly at the bound is judged as written.
 */
export function productionBound(rule: Extract<GateRule, { kind: 'versus-production' }>, production: number): number {
  const { adjust } = rule;
  const bound = adjust === undefined ? production : adjust.by === '+' ? production + adjust.amount : adjust.by === '-' ? production - adjust.amount : production * adjust.amount;
  return Number(bound.toPrecision(12));
}
