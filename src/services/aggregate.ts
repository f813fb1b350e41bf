import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import type { Aggregate } from './schema.js';

export type BranchValues = readonly (readonly [name: string, value: NodeValue])[];

/**
 * Turns the rows of the branches that answered into one row per instance.
 * - `all`: `{branch: row}` per instance.
 * - `mean`: element-wise mean of numeric rows (numbers or equal-length number arrays).
 * - `max-confidence`: the row of the branch whose highest value is highest; `branch` extra names it.
 * - `vote`: the most voted class (a branch votes its label, else the argmax of an array row, else
 *   the scalar row); ties go to the branch listed first; `votes` extra counts the winner's votes.
 * - `first-success`: the first branch's value; `branch` extra names it.
 * Throws a message (the caller names the service) when rows do not fit the mode.
 */
export function aggregate(mode: Aggregate, branches: BranchValues, instances: number): NodeValue {
  switch (mode) {
    case 'all':
      return { rows: range(instances, (i) => Object.fromEntries(branches.map(([name, v]) => [name, v.rows[i]]))) };
    case 'mean':
      return { rows: range(instances, (i) => mean(branches.map(([name, v]) => numericRow(name, v.rows[i])))) };
    case 'max-confidence':
      return maxConfidence(branches, instances);
    case 'vote':
      return vote(branches, instances);
    case 'first-success': {
      // parallel.ts answers with the first branch in time; given finished branches, the first listed.
      const [name, value] = branches[0] ?? ['', { rows: [] }];
      return { ...value, extras: { ...value.extras, branch: range(instances, () => name) } };
    }
  }
}

function maxConfidence(branches: BranchValues, instances: number): NodeValue {
  const rows: unknown[] = [];
  const chosen: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < instances; i++) {
    let best = -Infinity;
    let winner: readonly [string, NodeValue] | undefined;
    for (const entry of branches) {
      const row = numericRow(entry[0], entry[1].rows[i]);
      const confidence = typeof row === 'number' ? row : Math.max(...row);
      if (winner === undefined || confidence > best) [best, winner] = [confidence, entry];
    }
    if (!winner) throw new Error('no branch answered');
    rows.push(winner[1].rows[i]);
    chosen.push(winner[0]);
    const label = winner[1].labels?.[i];
    if (label !== undefined) labels.push(label);
  }
  // Labels only when every chosen branch had one: a partial list would misalign with instances.
  return { rows, extras: { branch: chosen }, ...(labels.length === instances ? { labels } : {}) };
}

function vote(branches: BranchValues, instances: number): NodeValue {
  const rows: unknown[] = [];
  const votes: number[] = [];
  for (let i = 0; i < instances; i++) {
    const counts = new Map<string, { value: unknown; n: number }>();
    for (const [name, v] of branches) {
      const ballot = v.labels?.[i] ?? classOf(name, v.rows[i]);
      const key = JSON.stringify(ballot);
      const slot = counts.get(key) ?? { value: ballot, n: 0 };
      slot.n++;
      counts.set(key, slot);
    }
    let top: { value: unknown; n: number } | undefined;
    for (const slot of counts.values()) if (!top || slot.n > top.n) top = slot; // Map keeps branch order: ties go first
    rows.push(top?.value);
    votes.push(top?.n ?? 0);
  }
  return { rows, extras: { votes } };
}

function classOf(branch: string, row: unknown): unknown {
  if (Array.isArray(row)) {
    const nums = numericRow(branch, row) as number[];
    return nums.indexOf(Math.max(...nums));
  }
  if (typeof row === 'number' || typeof row === 'string') return row;
  throw new Error(`branch "${branch}" gave ${JSON.stringify(row)}, which is not a class`);
}

function numericRow(branch: string, row: unknown): number | number[] {
  if (typeof row === 'number') return row;
  if (Array.isArray(row) && row.length > 0 && row.every((x) => typeof x === 'number')) return row;
  throw new Error(`branch "${branch}" gave ${JSON.stringify(row)}, not a number or a flat list of numbers`);
}

function mean(rows: readonly (number | number[])[]): number | number[] {
  const [first] = rows;
  if (typeof first === 'number') {
    if (!rows.every((r) => typeof r === 'number')) throw new Error('branches mix scalar and array rows');
    return (rows as number[]).reduce((a, b) => a + b, 0) / rows.length;
  }
  const width = first?.length ?? 0;
  if (!rows.every((r) => Array.isArray(r) && r.length === width)) throw new Error('branch rows differ in length');
  return range(width, (k) => (rows as number[][]).reduce((a, r) => a + (r[k] ?? 0), 0) / rows.length);
}

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** Wraps aggregate's plain errors in the service's error code. */
export function aggregateOrThrow(service: string, mode: Aggregate, branches: BranchValues, instances: number): NodeValue {
  try {
    return aggregate(mode, branches, instances);
  } catch (err) {
    throw new MlError('GRAPH_OUTPUT_INVALID', { service, node: `parallel (aggregate ${mode})`, reason: (err as Error).message }, { cause: err });
  }
}
