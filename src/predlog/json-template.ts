import { quoteJson } from '../ports/event-log-batch.js';

/** Where a template's numbers go (a chunk of the logger's buffer). */
export interface NumberSink {
  /** Appends one number; returns its index. */
  put(value: number): number;
}

/** Deeper than this, the value takes the plain JSON path (which also catches cycles). */
const MAX_DEPTH = 32;

/** Quoted object keys ("label":), by key: a model's outputs use the same few names on every call. */
const quotedKeys = new Map<string, string>();
const MAX_KEYS = 1024;

/**
 * A "T" value's template (src/ports/event-log-batch.ts): `v` written as
 * JSON.stringify writes it, except that every number is a `#` and goes to
 * `numbers`, in order. Predictions are mostly objects holding numbers
 * (`{"label": "setosa", "probabilities": [0.97, 0.02, 0.01]}`), and writing
 * those numbers as text is most of what JSON.stringify spends on them
 * (measured: 0.6 µs for that prediction, against 0.2 µs for its template).
 *
 * Undefined when `v` holds anything but plain objects, arrays, strings,
 * numbers, booleans and null (typed arrays, bigints, objects with toJSON, …)
 * or is nested deeper than MAX_DEPTH: those take the JSON path, which knows
 * them (the caller takes back the numbers put before giving up). Typed arrays
 * of numbers are written as JSON (toJsonValue) writes them: as arrays.
 */
export function jsonTemplate(v: unknown, numbers: NumberSink, depth = 0): string | undefined {
  switch (typeof v) {
    case 'number':
      numbers.put(v);
      return '#';
    case 'string':
      return quoteJson(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) return undefined;
      if (Array.isArray(v)) return arrayTemplate(v, numbers, depth);
      // A tensor's data: JSON (toJsonValue) writes its numbers as an array. Bigint ones take the JSON path.
      if (ArrayBuffer.isView(v)) return v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array ? undefined : numberArrayTemplate(v as unknown as ArrayLike<number>, numbers);
      return objectTemplate(v, numbers, depth);
    default:
      return undefined;
  }
}

function arrayTemplate(v: readonly unknown[], numbers: NumberSink, depth: number): string | undefined {
  let text = '[';
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    // As JSON.stringify: holes, undefined, functions and symbols in an array are null.
    const t = omitted(item) ? 'null' : jsonTemplate(item, numbers, depth + 1);
    if (t === undefined) return undefined;
    text += i === 0 ? t : `,${t}`;
  }
  return `${text}]`;
}

function numberArrayTemplate(v: ArrayLike<number>, numbers: NumberSink): string {
  if (v.length === 0) return '[]';
  for (let i = 0; i < v.length; i++) numbers.put(v[i] ?? NaN);
  return `[${'#,'.repeat(v.length - 1)}#]`;
}

function objectTemplate(v: object, numbers: NumberSink, depth: number): string | undefined {
  const proto: unknown = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const record = v as Record<string, unknown>;
  let text = '{';
  let first = true;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    // As JSON.stringify: undefined, functions and symbols in an object are left out.
    if (omitted(item)) continue;
    const t = jsonTemplate(item, numbers, depth + 1);
    if (t === undefined) return undefined;
    text += first ? `${quotedKey(key)}${t}` : `,${quotedKey(key)}${t}`;
    first = false;
  }
  return `${text}}`;
}

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${quoteJson(key)}:`;
    // Bounded: keys come from models' outputs, but a client's free-form objects could vary them.
    if (quotedKeys.size >= MAX_KEYS) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}
