import { isDeepStrictEqual } from 'node:util';
import type { PredictionRecord } from '../ports/event-log.js';

/** The logged rows of a call: its outputs when a list (one per instance), else the output as one row. */
export function rowsOf(record: PredictionRecord): readonly unknown[] {
  return Array.isArray(record.outputs) ? record.outputs : [record.outputs];
}

/**
 * Whether a candidate's instance agrees with the primary's, as the shadow node
 * counts it live: same label when both logged labels, else the same argmax
 * when both rows are numeric lists (class scores), else deep equality.
 */
export function sameInstance(primary: PredictionRecord, candidate: PredictionRecord, i: number): boolean {
  if (primary.labels !== undefined && candidate.labels !== undefined) return primary.labels[i] === candidate.labels[i];
  const a = rowsOf(primary)[i];
  const b = rowsOf(candidate)[i];
  const ia = argmax(a);
  const ib = argmax(b);
  if (ia !== undefined && ib !== undefined) return ia === ib;
  return isDeepStrictEqual(a, b);
}

/**
 * Mean |a − b| over the numbers of one instance's rows (a number, or a list of
 * numbers of the same length); undefined when they are not comparable.
 */
export function absoluteDifference(a: unknown, b: unknown): { sum: number; count: number } | undefined {
  if (typeof a === 'number' && typeof b === 'number') return { sum: Math.abs(a - b), count: 1 };
  if (!isNumbers(a) || !isNumbers(b) || a.length !== b.length || a.length === 0) return undefined;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return { sum, count: a.length };
}

function isNumbers(row: unknown): row is number[] {
  return Array.isArray(row) && row.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Index of the largest entry of a non-empty list of numbers; undefined for anything else. */
function argmax(row: unknown): number | undefined {
  if (!isNumbers(row) || row.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}

/** Nearest-rank percentile (p in 0..100) of a list; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
