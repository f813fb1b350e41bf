import { MlError } from '../errors/ml-error.js';
import type { LookupBinding } from './lookup-bindings.js';
import type { NodeValue } from './node-value.js';
import { ownPath } from './own-path.js';
import type { RunContext } from './run-context.js';
import type { LookupNode, ServiceNode } from './schema.js';
import { mergeSubsets, narrowContext } from './subset.js';

export type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/** Where an instance's answer came from (the `source` extra). */
export type LookupSource = 'batch' | 'live';

/**
 * Lambda architecture, serving side: each instance is answered from the
 * precomputed batch results by its key; the misses (no row, or a NULL answer)
 * run through `fallback` together and are merged back in request order. The
 * table is an optimisation, never a dependency: when it cannot be read, every
 * instance is served live (fail-open) and the failure is counted.
 */
export async function runLookup(node: LookupNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const binding = ctx.lookups?.get(node);
  // Checked first, so a missing key is a 400 whether or not the table is reachable.
  const keys = keysOf(node, instances, ctx, binding);
  if (instances.length === 0) return { rows: [] };
  if (!binding) return live(node, instances, ctx, run);
  const count = (result: 'hit' | 'miss' | 'error', n: number): void => {
    if (n > 0) ctx.onLookup?.({ service: binding.service, node: binding.node, result, count: n });
  };

  let found: Map<string, Record<string, unknown>>;
  try {
    found = await binding.table.read([...new Set(keys)]);
  } catch {
    count('error', instances.length);
    return live(node, instances, ctx, run);
  }
  const hits: number[] = [];
  const misses: number[] = [];
  const rows: unknown[] = [];
  const labels: (string | undefined)[] = [];
  keys.forEach((key, i) => {
    const row = found.get(key);
    const value = row === undefined ? undefined : answerOf(row[binding.column]);
    if (value === undefined) return void misses.push(i);
    hits.push(i);
    rows.push(value);
    const label = row?.[binding.labelColumn];
    labels.push(typeof label === 'string' ? label : undefined);
  });
  count('hit', hits.length);
  count('miss', misses.length);
  const batch: NodeValue = {
    rows,
    ...(labels.every((l): l is string => l !== undefined) ? { labels } : {}),
    extras: { source: hits.map((): LookupSource => 'batch') },
  };
  if (misses.length === 0) return batch;

  const fresh = await run(node.fallback, misses.map((i) => instances[i]), narrowContext(ctx, misses));
  checkRows(fresh, misses.length, ctx, binding);
  if (node.writeBack && !fresh.failed) writeBack(binding, misses.map((i) => keys[i] ?? ''), fresh, count);
  const liveValue: NodeValue = { ...fresh, extras: { ...fresh.extras, source: misses.map((): LookupSource => 'live') } };
  const merged = mergeSubsets(instances.length, [
    { indexes: hits, value: batch },
    { indexes: misses, value: liveValue },
  ]);
  return { ...merged, ...(fresh.job ? { job: fresh.job } : {}) };
}

/** The key of each instance as text (the batch output's key column is text); a missing key is a 400. */
function keysOf(node: LookupNode, instances: readonly unknown[], ctx: RunContext, binding: LookupBinding | undefined): string[] {
  return instances.map((instance, i) => {
    const key = ownPath(instance, node.key);
    if (typeof key === 'string') return key;
    if (typeof key === 'number' || typeof key === 'boolean') return String(key);
    // Absent, null, or a list/object: nothing a key column could hold.
    throw new MlError('LOOKUP_KEY_MISSING', { service: ctx.service, instance: i, key: node.key, node: binding?.node ?? 'lookup' });
  });
}

/** Every instance through `fallback`, marked live. */
async function live(node: LookupNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const value = await run(node.fallback, instances, ctx);
  return { ...value, extras: { ...value.extras, source: instances.map((): LookupSource => 'live') } };
}

/**
 * The stored answer: JSONB arrives parsed, JSON text (SQLite, TEXT columns) is
 * parsed here, numbers stay numbers; NULL (or JSON null) is a miss.
 */
function answerOf(cell: unknown): unknown {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell !== 'string') return cell;
  try {
    return JSON.parse(cell) ?? undefined;
  } catch {
    return cell; // plain text answers (a label column used as the answer)
  }
}

function checkRows(value: NodeValue, expected: number, ctx: RunContext, binding: LookupBinding): void {
  if (value.rows.length !== expected) {
    throw new MlError('GRAPH_OUTPUT_INVALID', { service: ctx.service, node: binding.node, reason: `fallback answered ${value.rows.length} rows for ${expected} instances` });
  }
}

/** Not awaited: the response does not wait for the table; failures are only counted. */
function writeBack(binding: LookupBinding, keys: readonly string[], value: NodeValue, count: (result: 'error', n: number) => void): void {
  const rows = keys.map((key, j) => ({ key, value: value.rows[j], label: value.labels?.[j] }));
  const labelColumn = value.labels && binding.writeLabel ? binding.labelColumn : undefined;
  void binding.table.write(rows, binding.column, labelColumn).catch(() => count('error', rows.length));
}
