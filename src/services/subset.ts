import type { NodeValue } from './node-value.js';
import type { RunContext } from './run-context.js';

/** The instances at `indexes`, in that order. */
export function pick<T>(list: readonly T[], indexes: readonly number[]): T[] {
  return indexes.map((i) => list[i] as T);
}

/**
 * The context for running a subset of the current instances (per-instance
 * routing): what is aligned with the instances — the service input and the
 * previous step's rows, labels and extras — is narrowed to the same subset.
 */
export function narrowContext(ctx: RunContext, indexes: readonly number[]): RunContext {
  const { input, previous, ...rest } = ctx;
  return {
    ...rest,
    ...(input ? { input: pick(input, indexes) } : {}),
    ...(previous ? { previous: narrowValue(previous, indexes) } : {}),
  };
}

function narrowValue(value: NodeValue, indexes: readonly number[]): NodeValue {
  const extras = value.extras ? Object.fromEntries(Object.entries(value.extras).map(([name, list]) => [name, pick(list, indexes)])) : undefined;
  return {
    rows: pick(value.rows, indexes),
    ...(value.labels ? { labels: pick(value.labels, indexes) } : {}),
    ...(extras ? { extras } : {}),
  };
}

/**
 * Puts the values of several subsets back in instance order. Labels are kept
 * only when every instance has one; extras are per instance (undefined where a
 * subset's node gave none); failures are merged.
 */
export function mergeSubsets(count: number, parts: readonly { readonly indexes: readonly number[]; readonly value: NodeValue }[]): NodeValue {
  const rows = new Array<unknown>(count);
  const labels = new Array<string | undefined>(count);
  const extras: Record<string, unknown[]> = {};
  const failed: Record<string, string> = {};
  for (const { indexes, value } of parts) {
    indexes.forEach((at, j) => {
      rows[at] = value.rows[j];
      labels[at] = value.labels?.[j];
      for (const [name, list] of Object.entries(value.extras ?? {})) (extras[name] ??= new Array<unknown>(count))[at] = list[j];
    });
    Object.assign(failed, value.failed);
  }
  const allLabelled = labels.every((l) => l !== undefined);
  return {
    rows,
    ...(allLabelled && count > 0 ? { labels } : {}),
    ...(Object.keys(extras).length > 0 ? { extras } : {}),
    ...(Object.keys(failed).length > 0 ? { failed } : {}),
  };
}
