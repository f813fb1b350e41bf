import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import { ownKey, ownPath } from './own-path.js';
import { withTimeout } from './parallel.js';
import type { RequestAttributes, RunContext } from './run-context.js';
import type { ConditionNode, ConditionValue, RuleWhen, ServiceNode } from './schema.js';
import { mergeSubsets, narrowContext, pick } from './subset.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/**
 * Condition-based serving: the first rule whose conditions all hold serves the
 * request, else `default`. Each route has its own timeout, so a slow route fails
 * fast (504 naming it) instead of holding the request for the slowest one.
 * The answer's `route` names the choice ("rules[1]", "default"); a condition
 * inside the chosen route appends its own ("rules[1]/default").
 */
export async function runCondition(node: ConditionNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const now = (ctx.now ?? (() => new Date()))();
  if (node.rules.some((rule) => isPerInstance(rule.when))) return runPerInstance(node, instances, ctx, run, now);
  const choice = choose(node, (when) => matches(when, ctx.request, now));
  const value = await runRoute(node, choice, instances, ctx, run);
  return { ...value, route: value.route !== undefined ? `${choice.route}/${value.route}` : choice.route };
}

interface Choice {
  /** "rules[i]" or "default". */
  readonly route: string;
  readonly target: ServiceNode;
  readonly timeoutMs: number;
}

/** The first switched-on rule that holds, else the default. */
function choose(node: ConditionNode, holds: (when: RuleWhen) => boolean): Choice {
  // A switched-off rule is skipped, so an operator can disable a route with `active: ${VAR}` alone.
  const index = node.rules.findIndex((rule) => rule.then.active !== false && holds(rule.when));
  const rule = index >= 0 ? node.rules[index] : undefined;
  return rule ? { route: `rules[${index}]`, target: rule.then, timeoutMs: rule.timeoutMs ?? 0 } : { route: 'default', target: node.default, timeoutMs: node.defaultTimeoutMs ?? 0 };
}

function runRoute(node: ConditionNode, choice: Choice, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const branch = `${ctx.branchPath}${choice.route}`;
  return withTimeout(run(choice.target, instances, ctx), choice.timeoutMs, () => new MlError('BRANCH_TIMEOUT', { service: ctx.service, branch, timeoutMs: choice.timeoutMs }));
}

/**
 * Branching on a previous result: each instance takes the route of the first rule
 * that holds for it (its label from the previous pipeline step, its own values,
 * and the request-level conditions). The routes run concurrently on their own
 * instances and the answers are put back in instance order; `routes` in the
 * answer names each instance's route.
 */
async function runPerInstance(node: ConditionNode, instances: readonly unknown[], ctx: RunContext, run: RunNode, now: Date): Promise<NodeValue> {
  const groups = new Map<string, { choice: Choice; indexes: number[] }>();
  instances.forEach((instance, i) => {
    const label = ctx.previous?.labels?.[i];
    const choice = choose(node, (when) => matches(when, ctx.request, now) && matchesInstance(when, instance, label));
    const group = groups.get(choice.route) ?? { choice, indexes: [] };
    group.indexes.push(i);
    groups.set(choice.route, group);
  });
  const parts = await Promise.all(
    [...groups.values()].map(async ({ choice, indexes }) => ({ indexes, choice, value: await runRoute(node, choice, pick(instances, indexes), narrowContext(ctx, indexes), run) })),
  );
  const merged = mergeSubsets(instances.length, parts);
  const routes = new Array<string>(instances.length);
  for (const { indexes, choice, value } of parts) {
    indexes.forEach((at, j) => {
      const inner = value.extras?.['routes']?.[j] ?? value.route;
      routes[at] = typeof inner === 'string' ? `${choice.route}/${inner}` : choice.route;
    });
  }
  return { ...merged, extras: { ...merged.extras, routes } };
}

function isPerInstance(when: RuleWhen): boolean {
  return when.label !== undefined || when.instance !== undefined;
}

/** The per-instance conditions of a rule: the label the previous step gave, and values in the instance. */
export function matchesInstance(when: RuleWhen, instance: unknown, label: string | undefined): boolean {
  if (when.label !== undefined) {
    const wanted = typeof when.label === 'string' ? [when.label] : when.label;
    if (label === undefined || !wanted.includes(label)) return false;
  }
  if (when.instance && !Object.entries(when.instance).every(([path, want]) => equal(ownPath(instance, path), want))) return false;
  return true;
}

/** True when every request-level condition the rule gives holds; a rule needing headers or fields never matches without them. */
export function matches(when: RuleWhen, request: RequestAttributes | undefined, now: Date): boolean {
  if (when.header && !Object.entries(when.header).every(([name, want]) => equal(ownKey(request?.headers, name.toLowerCase()), want))) return false;
  if (when.field && !Object.entries(when.field).every(([path, want]) => equal(ownPath(request?.fields, path), want))) return false;
  if (when.hour && !inHours(when.hour, now)) return false;
  return true;
}

/** `[from, to)` in UTC hours (fractions allowed: 9.5 is 09:30); from > to wraps midnight. */
export function inHours([from, to]: readonly [number, number], now: Date): boolean {
  const hour = now.getUTCHours() + now.getUTCMinutes() / 60 + now.getUTCSeconds() / 3600 + now.getUTCMilliseconds() / 3_600_000;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** Values are compared as strings (headers are strings, YAML may say `5`); objects and arrays never match. */
function equal(actual: unknown, want: ConditionValue): boolean {
  const primitive = typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean';
  return primitive && String(actual) === String(want);
}

/**
 * The attributes rules read, from an HTTP request: header names lower-cased,
 * body fields without `instances` and `keys` (the data, not facts about the
 * caller). Prototype-free and frozen copies: rules only ever read them.
 */
export function requestAttributes(headers: Readonly<Record<string, string | readonly string[] | undefined>>, body: unknown): RequestAttributes {
  const h = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) h[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  const fields = Object.create(null) as Record<string, unknown>;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const [name, value] of Object.entries(body)) if (name !== 'instances' && name !== 'keys') fields[name] = value;
  }
  return { headers: Object.freeze(h), fields: Object.freeze(fields) };
}
