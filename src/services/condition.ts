import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import { withTimeout } from './parallel.js';
import type { RequestAttributes, RunContext } from './run-context.js';
import type { ConditionNode, ConditionValue, RuleWhen, ServiceNode } from './schema.js';

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
  // A switched-off rule is skipped, so an operator can disable a route with `active: ${VAR}` alone.
  const index = node.rules.findIndex((rule) => rule.then.active !== false && matches(rule.when, ctx.request, now));
  const rule = index >= 0 ? node.rules[index] : undefined;
  const route = rule ? `rules[${index}]` : 'default';
  const target = rule ? rule.then : node.default;
  const timeoutMs = (rule ? rule.timeoutMs : node.defaultTimeoutMs) ?? 0;
  const branch = `${ctx.branchPath}${route}`;
  const value = await withTimeout(run(target, instances, ctx), timeoutMs, () => new MlError('BRANCH_TIMEOUT', { service: ctx.service, branch, timeoutMs }));
  return { ...value, route: value.route !== undefined ? `${route}/${value.route}` : route };
}

/** True when every condition the rule gives holds; a rule needing headers or fields never matches without them. */
export function matches(when: RuleWhen, request: RequestAttributes | undefined, now: Date): boolean {
  if (when.header && !Object.entries(when.header).every(([name, want]) => equal(own(request?.headers, name.toLowerCase()), want))) return false;
  if (when.field && !Object.entries(when.field).every(([path, want]) => equal(readPath(request?.fields, path), want))) return false;
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

/** Reads `a.b.c` through own properties only: `__proto__.x` or `constructor.name` find nothing. */
function readPath(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const key of path.split('.')) at = own(at, key);
  return at;
}

function own(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
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
