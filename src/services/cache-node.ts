import { MlError } from '../errors/ml-error.js';
import type { CacheBinding } from './cache-bindings.js';
import { instanceKey } from './cache-key.js';
import type { NodeValue } from './node-value.js';
import { ownPath } from './own-path.js';
import type { RunContext } from './run-context.js';
import type { CacheNode, ServiceNode } from './schema.js';

export type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/** What one instance's answer is stored as: its row, label and extras. */
export interface Entry {
  readonly r: unknown;
  readonly l?: string;
  readonly x?: Readonly<Record<string, unknown>>;
}

/**
 * Prediction cache, per instance: a batch with some hits runs only its misses
 * through `input` and merges the answers back in request order. The cache is
 * an optimisation, never a dependency: a failed read is served as misses, and
 * the write happens after the answer is on its way, with failures only counted.
 *
 * With `key` it is a data cache: the entry of an instance is found by its data
 * id (`{"id": "img-17"}` → "img-17"), so a repeat skips `input` (fetch and
 * preprocessing) and the steps after the cache still run on the stored row.
 */
export async function runCache(node: CacheNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const binding = ctx.caches?.get(node);
  // Checked before anything else, so a missing id is a 400 whether or not the store is reachable.
  const parts = keyParts(node, instances, ctx);
  const versions = binding && instances.length > 0 ? versionsOf(binding, ctx) : undefined;
  if (!binding || !versions) return run(node.input, instances, insideCache(ctx, instances));
  const keys = parts.map((part) => instanceKey(binding.identity, versions, part));
  const count = (result: 'hit' | 'miss' | 'error', n: number): void => {
    if (n > 0) ctx.onCache?.({ service: binding.service, node: binding.node, result, count: n });
  };

  let entries: (Entry | undefined)[];
  let readFailed = false;
  try {
    entries = (await binding.cache.getMany(keys)).map(parseEntry);
  } catch {
    readFailed = true;
    entries = keys.map(() => undefined);
  }
  const misses = entries.flatMap((e, i) => (e ? [] : [i]));
  count('hit', entries.length - misses.length);
  count(readFailed ? 'error' : 'miss', misses.length);
  if (misses.length === 0) return merge(entries as Entry[]);

  const { fresh, value } = await runInput(node, misses.map((i) => instances[i]), ctx, run);
  misses.forEach((i, j) => (entries[i] = fresh[j]));
  // A partial answer (a branch timed out) is served but not kept: one slow moment must not last a TTL.
  if (!value.failed) {
    const writes = misses.map((i, j): [string, string] => [keys[i] ?? '', JSON.stringify(fresh[j])]);
    // Not awaited: the response does not wait for the cache.
    void binding.cache.setMany(writes, binding.ttlMs).catch(() => count('error', writes.length));
  }
  return { ...merge(entries as Entry[]), ...(value.failed ? { failed: value.failed } : {}) };
}

/**
 * What the key sees of each instance: its data id with `key`, else the whole
 * instance. An instance without the id cannot be cached nor told apart: 400.
 */
export function keyParts(node: CacheNode, instances: readonly unknown[], ctx: RunContext, firstIndex = 0): readonly unknown[] {
  const field = node.key;
  if (field === undefined) return instances;
  return instances.map((instance, i) => {
    const id = ownPath(instance, field);
    if (id === undefined || id === null) {
      throw new MlError('CACHE_KEY_MISSING', { service: ctx.service, instance: firstIndex + i, key: field, node: ctx.caches?.get(node)?.node ?? 'cache' });
    }
    return id;
  });
}

/** The version each model under the node serves now; undefined (cache bypassed) when versions are unknown. */
export function versionsOf(binding: CacheBinding, ctx: RunContext): [string, string][] | undefined {
  const versionOf = ctx.runModel.versionOf;
  if (!versionOf) return undefined;
  try {
    return binding.models.map((m) => [m, versionOf(m)]);
  } catch {
    return undefined; // an unknown model: let the run raise its own error
  }
}

/**
 * Runs `input` on the misses. Inside the cache, `input` (what `map` nodes read)
 * is the misses themselves and there is no previous step: a subtree may only see
 * what the key sees, or a hit could answer what another request's context made.
 */
export async function runInput(
  node: CacheNode,
  instances: readonly unknown[],
  ctx: RunContext,
  run: RunNode,
): Promise<{ fresh: Entry[]; value: NodeValue }> {
  const value = await run(node.input, instances, insideCache(ctx, instances));
  if (value.rows.length !== instances.length) {
    throw new MlError('GRAPH_OUTPUT_INVALID', { service: ctx.service, node: 'cache', reason: `input answered ${value.rows.length} rows for ${instances.length} instances` });
  }
  const fresh = value.rows.map((row, j): Entry => {
    const extras = value.extras ? Object.fromEntries(Object.entries(value.extras).map(([name, list]) => [name, list[j]])) : undefined;
    const label = value.labels?.[j];
    return { r: row, ...(label !== undefined ? { l: label } : {}), ...(extras ? { x: extras } : {}) };
  });
  return { fresh, value };
}

function insideCache(ctx: RunContext, instances: readonly unknown[]): RunContext {
  const { previous: _previous, ...outer } = ctx;
  return { ...outer, input: instances };
}

export function parseEntry(text: string | undefined): Entry | undefined {
  if (text === undefined) return undefined;
  try {
    const entry = JSON.parse(text) as unknown;
    return entry !== null && typeof entry === 'object' && 'r' in entry ? entry : undefined;
  } catch {
    return undefined; // unreadable: treated as a miss and overwritten
  }
}

/** One NodeValue from per-instance entries: labels only when every instance has one. */
function merge(entries: readonly Entry[]): NodeValue {
  const labels = entries.every((e) => e.l !== undefined) ? entries.map((e) => e.l as string) : undefined;
  const names = new Set(entries.flatMap((e) => Object.keys(e.x ?? {})));
  const extras = names.size > 0 ? Object.fromEntries([...names].map((n) => [n, entries.map((e) => e.x?.[n])])) : undefined;
  return { rows: entries.map((e) => e.r), ...(labels ? { labels } : {}), ...(extras ? { extras } : {}) };
}
