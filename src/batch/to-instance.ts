/** A good row, ready for a shard: its key and what the model is sent. */
export interface ShardItem {
  readonly row: number;
  readonly key: string | number;
  readonly instance: unknown;
}

export type Converted = { readonly item: ShardItem; readonly error?: undefined } | { readonly item?: undefined; readonly error: string };

/**
 * Turns an input record into a model instance: the feature columns' values,
 * as numbers, in order. A single feature column holding a list (a JSON array,
 * or its text in a CSV/SQL cell) is the instance itself (the reference's
 * `values` column). Missing keys and non-numeric features are errors.
 */
export function toInstance(row: number, record: Readonly<Record<string, unknown>>, key: string, features: readonly string[]): Converted {
  const keyValue = record[key];
  if (keyValue === undefined || keyValue === null || keyValue === '') return { error: `missing key column "${key}"` };
  const k = typeof keyValue === 'number' || typeof keyValue === 'string' ? keyValue : JSON.stringify(keyValue);
  if (features.length === 0) return { error: 'no feature columns (every column is the key or the prediction column)' };
  if (features.length === 1) {
    const list = asList(record[features[0] as string]);
    if (list) {
      const numbers = toNumbers(list, (i) => `${features[0]}[${i}]`);
      return typeof numbers === 'string' ? { error: numbers } : { item: { row, key: k, instance: numbers } };
    }
  }
  const numbers = toNumbers(
    features.map((f) => record[f]),
    (i) => features[i] as string,
  );
  return typeof numbers === 'string' ? { error: numbers } : { item: { row, key: k, instance: numbers } };
}

function asList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === 'string' && value.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? (parsed as unknown[]) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The values as finite numbers, or the message naming the first bad one. */
function toNumbers(values: readonly unknown[], nameOf: (i: number) => string): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || v === null || v === '') return `missing feature "${nameOf(i)}"`;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) return `non-numeric feature "${nameOf(i)}": ${JSON.stringify(v)}`;
    out.push(n);
  }
  return out;
}

/** The feature columns when none are given: every column of the first record but the key and the prediction column. */
export function defaultFeatures(record: Readonly<Record<string, unknown>>, key: string, whereNull: string | undefined): string[] {
  return Object.keys(record).filter((c) => c !== key && c !== whereNull);
}
