import type { AliasChange } from '../ports/metadata-store.js';
import type { Registry } from '../registry/registry.js';
import { compare, parseGateRule, productionBound } from './expressions.js';

/** How rollbacks are told apart from promotions in the alias history (its `reason`). */
export const ROLLBACK_REASON_PREFIX = 'rollback';

export interface GateResult {
  readonly gate: string;
  readonly metric: string;
  /** `undefined` when the version has no such metric (the gate fails). */
  readonly value?: number;
  readonly passed: boolean;
  /** Versus-production rules: the production version's value of the metric… */
  readonly production?: number;
  /** …and the bound the rule made of it. */
  readonly bound?: number;
  /** Why a versus-production rule was not applied (no production version, or it lacks the metric); it does not block. */
  readonly skipped?: string;
  /** Set when the version's value came from the stored continued evaluation (the registry lacks the metric): which window. */
  readonly source?: string;
  /** The same for the production value of a versus-production rule. */
  readonly productionSource?: string;
}

/** The version the `production` alias names, as versus-production gate rules read it. */
export interface ProductionMetrics {
  readonly version: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Checks gates against a version's metrics (registry lineage, from the manifest's
 * `metrics`, or a pipeline's metrics.json): absolute rules (`accuracy>=0.9`) and
 * rules against the production version (`mae <= production * 1.05`), which are
 * skipped, with the reason, when there is no production version to compare with.
 */
export function checkGates(gates: readonly string[], metrics: Readonly<Record<string, number>>, production?: ProductionMetrics): GateResult[] {
  return gates.map((gate) => {
    const rule = parseGateRule(gate);
    const value = metrics[rule.metric];
    const found = value !== undefined ? { value } : {};
    if (rule.kind === 'absolute') return { gate: rule.text, metric: rule.metric, ...found, passed: value !== undefined && compare(value, rule.op, rule.value) };
    const base = production?.metrics[rule.metric];
    if (production === undefined || base === undefined) {
      const skipped = production === undefined ? 'no production version' : `production v${production.version} has no metric "${rule.metric}"`;
      return { gate: rule.text, metric: rule.metric, ...found, passed: true, skipped };
    }
    const bound = productionBound(rule, base);
    return { gate: rule.text, metric: rule.metric, ...found, passed: value !== undefined && compare(value, rule.op, bound), production: base, bound };
  });
}

/** One line per gate for messages and the alias history: `mae <= production * 1.05 (mae=0.41, bound 0.42 from production 0.4) passed`. */
export function describeGate(g: GateResult): string {
  const from = g.source !== undefined ? ` from ${g.source}` : '';
  const against = g.bound !== undefined ? `, bound ${g.bound} from production ${g.production}${g.productionSource !== undefined ? ` (${g.productionSource})` : ''}` : '';
  const outcome = g.skipped !== undefined ? `skipped: ${g.skipped}` : g.passed ? 'passed' : 'failed';
  return `${g.gate} (${g.metric}=${g.value ?? 'missing'}${from}${against}) ${outcome}`;
}

export interface PromoteOptions {
  readonly model: string;
  readonly from: string;
  readonly to: string;
  readonly gates?: readonly string[];
  readonly actor?: string;
  /**
   * Quality metrics a version has in production: the latest stored continued-evaluation
   * window (`eval run`). Read only for gate metrics the registry lacks; the registry's
   * value wins when both have one.
   */
  readonly evaluationMetrics?: (version: number) => Promise<EvaluatedMetrics | undefined>;
}

/** A version's metrics from the stored evaluation, and the window they were measured on (for the record). */
export interface EvaluatedMetrics {
  readonly metrics: Readonly<Record<string, number>>;
  /** e.g. `evaluation iris:2 window 2026-03-04T00:00:00.000Z (1d, 412 joined)` */
  readonly source: string;
}

export interface PromoteResult {
  readonly model: string;
  readonly version: number;
  readonly from: string;
  readonly to: string;
  /** The version `to` pointed at before (absent when the alias is new). */
  readonly previous?: number;
  readonly gates: GateResult[];
  readonly promoted: boolean;
  /** What the alias history records as the move's reason. */
  readonly reason: string;
}

/**
 * Points alias `to` at the version alias `from` names, when every gate passes.
 * The move, with the gate results as its reason, is kept in the alias history
 * (`mlpatterns models history`), which is also what `rollback` reads.
 */
export async function promote(registry: Registry, options: PromoteOptions): Promise<PromoteResult> {
  const candidate = await registry.get(`${options.model}@${options.from}`);
  const aliases = await registry.aliases(options.model);
  const productionVersion = aliases.find((a) => a.alias === 'production')?.version;
  const wanted = (options.gates ?? []).map((g) => parseGateRule(g).metric);
  const withEvaluation = async (version: number, metrics: Readonly<Record<string, number>>): Promise<{ metrics: Readonly<Record<string, number>>; source?: string; filled: ReadonlySet<string> }> => {
    const missing = wanted.filter((m) => metrics[m] === undefined);
    const found = missing.length > 0 ? await options.evaluationMetrics?.(version) : undefined;
    if (found === undefined) return { metrics, filled: new Set() };
    return { metrics: { ...found.metrics, ...metrics }, source: found.source, filled: new Set(missing.filter((m) => found.metrics[m] !== undefined)) };
  };
  const own = await withEvaluation(candidate.version, candidate.metrics);
  const theirs = productionVersion !== undefined ? await withEvaluation(productionVersion, (await registry.get(`${options.model}:${productionVersion}`)).metrics) : undefined;
  const production = productionVersion !== undefined && theirs !== undefined ? { version: productionVersion, metrics: theirs.metrics } : undefined;
  const gates = checkGates(options.gates ?? [], own.metrics, production).map((g) => ({
    ...g,
    ...(own.filled.has(g.metric) && own.source !== undefined ? { source: own.source } : {}),
    ...(g.bound !== undefined && theirs?.filled.has(g.metric) === true && theirs.source !== undefined ? { productionSource: theirs.source } : {}),
  }));
  const previous = aliases.find((a) => a.alias === options.to)?.version;
  const gateText = gates.length === 0 ? 'no gate' : `gate ${gates.map(describeGate).join(', ')}`;
  const reason = `promote ${options.model}@${options.from} (v${candidate.version}) to ${options.to}: ${gateText}`;
  const promoted = gates.every((g) => g.passed);
  if (promoted) await registry.setAlias(options.model, options.to, candidate.version, { reason, ...(options.actor !== undefined ? { actor: options.actor } : {}) });
  return { model: options.model, version: candidate.version, from: options.from, to: options.to, ...(previous !== undefined ? { previous } : {}), gates, promoted, reason };
}

/**
 * The version an alias goes back to: its moves replayed as a stack (a promotion
 * pushes, a rollback pops), so rolling back twice goes two promotions back
 * rather than toggling between the last two versions.
 */
export function rollbackTarget(history: readonly AliasChange[]): { current?: number; target?: number } {
  const stack: number[] = [];
  for (const change of history) {
    if (change.reason?.startsWith(ROLLBACK_REASON_PREFIX) === true) {
      stack.pop();
      continue;
    }
    if (change.toVersion === null) {
      stack.length = 0;
      continue;
    }
    if (stack.length === 0 && change.fromVersion !== null) stack.push(change.fromVersion);
    stack.push(change.toVersion);
  }
  const current = stack.at(-1);
  const target = stack.at(-2);
  return { ...(current !== undefined ? { current } : {}), ...(target !== undefined ? { target } : {}) };
}

export interface RollbackResult {
  readonly model: string;
  readonly alias: string;
  readonly from: number;
  readonly to: number;
}

export async function rollback(registry: Registry, options: { model: string; alias: string; actor?: string }): Promise<RollbackResult> {
  const history = await registry.aliasHistory(options.model, options.alias);
  const { target } = rollbackTarget(history);
  const current = (await registry.aliases(options.model)).find((a) => a.alias === options.alias)?.version;
  if (current === undefined) throw new Error(`${options.model} has no alias "${options.alias}" to roll back`);
  if (target === undefined) throw new Error(`${options.model}@${options.alias} has no earlier version in its history to roll back to`);
  await registry.setAlias(options.model, options.alias, target, { reason: `${ROLLBACK_REASON_PREFIX} ${options.model}@${options.alias} from v${current} to v${target}`, ...(options.actor !== undefined ? { actor: options.actor } : {}) });
  return { model: options.model, alias: options.alias, from: current, to: target };
}
