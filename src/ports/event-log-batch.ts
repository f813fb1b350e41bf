import { randomUUID } from 'node:crypto';
import { fillTemplate } from './batch-template.js';
import type { EventKind, PredictionRecord } from './event-log.js';

/**
 * Prediction records as the PredictionLogger hands them to a sink: already
 * serialised, one line per record, so a batch crosses to a writer thread as
 * one string and one array of numbers (structured-cloning thousands of small
 * objects cost more than making them). Sinks that implement
 * `EventLog.appendBatch` take it as it is; the others get `batchRecords(batch)`.
 *
 * Batch lines are tab-separated fields (JSON text never holds a raw tab or newline):
 *
 *    0 at          when the call finished, ms since the epoch
 *    1 kind        "prediction" or "feedback", unquoted
 *    2 request_id  JSON string
 *    3 keys        JSON array, or empty
 *    4 service     JSON string, or empty
 *    5 node        JSON string, or empty
 *    6 model       JSON string
 *    7 version     JSON string
 *    8 variant     JSON string, or empty
 *    9 inputs      a value (below), or empty
 *   10 outputs     a value, or empty
 *   11 labels      a value, or empty
 *   12 latency_ms  a JSON number, or "u" and whole microseconds
 *   13 status      JSON string
 *
 * A value is "J" and its JSON text or, for arrays of numbers (what most models
 * take and give), where its numbers start in `numbers` and its shape:
 * "V<at>:<n>" for a flat array of n numbers, "M<at>:<n1>,<n2>,…" for rows of
 * n1, n2, … numbers ("M<at>:" alone: no rows), "T<at>:<template>" for any
 * other object or array: its JSON with each number written as "#", the
 * numbers taken in order from `at` (batch-template.ts). Writing a number as text is
 * most of what JSON costs for a model's inputs and outputs; this way no one
 * does it until a record is read (the SQLite sink stores the numbers as they
 * are), and never on the serving thread.
 *
 * Expanded lines (`expandLine`) have fields 0–7 as above, then 8 payload: the
 * record's remaining members (variant, inputs, outputs, labels, latency_ms,
 * status) as one JSON object; the SQLite sink keeps whole records (`append`)
 * in this form. String fields are
 * written as JSON.stringify writes them (`quoteJson`), so equal values have
 * equal text. The record id and ISO timestamp are made where the record is
 * stored (`BatchLine.recordJson`).
 */
export interface PredictionBatch {
  /** How many records (lines). */
  readonly count: number;
  /** The lines, joined by "\n". */
  readonly text: string;
  /** The numbers of the lines' "V"/"M" values, in order; absent when there are none. */
  readonly numbers?: Float64Array | undefined;
}

/** Fields of a batch line. */
export const BATCH_LINE_FIELDS = 14;

/** Fields of an expanded line. */
export const LINE_FIELDS = 9;

/** The fields of an expanded line, JSON text as in the format above; undefined for an empty optional field. */
export interface LineParts {
  readonly at: number;
  readonly kind: EventKind;
  readonly requestId: string;
  readonly keys: string | undefined;
  readonly service: string | undefined;
  readonly node: string | undefined;
  readonly model: string;
  readonly version: string;
  readonly payload: string;
}

/** One expanded line (no newline). */
export function encodeLine(p: LineParts): string {
  return `${p.at}\t${p.kind}\t${p.requestId}\t${p.keys ?? ''}\t${p.service ?? ''}\t${p.node ?? ''}\t${p.model}\t${p.version}\t${p.payload}`;
}

/** Characters JSON.stringify escapes (conservatively: any surrogate, not only lone ones). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)`, without the call for the strings that need no escaping (ids, names): most of them. */
export function quoteJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A JSON string literal's value; most need no unescaping, and then no parse. */
export function unquoteJson(json: string): string {
  return json.includes('\\') ? (JSON.parse(json) as string) : json.slice(1, -1);
}

/** A number as JSON.stringify writes it. */
export function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** A batch line split into its fields. */
export type BatchFields = readonly [string, string, string, string, string, string, string, string, string, string, string, string, string, string];

/** Splits a batch line into its fields. */
export function batchFields(line: string): BatchFields {
  const f = line.split('\t', BATCH_LINE_FIELDS);
  if (f.length !== BATCH_LINE_FIELDS) throw new Error(`malformed prediction log batch line: ${line.slice(0, 80)}`);
  return f as unknown as BatchFields;
}

/** A batch line's fields as an expanded line's: its values written out as JSON, numbers read from `numbers`. */
export function expandLine(f: BatchFields, numbers: Float64Array): LineFields {
  const [at, kind, requestId, keys, service, node, model, version, variant, inputs, outputs, labels, latency, status] = f;
  let payload = variant === '' ? '' : `"variant":${variant},`;
  if (inputs !== '') payload += `"inputs":${valueJson(inputs, numbers)},`;
  if (outputs !== '') payload += `"outputs":${valueJson(outputs, numbers)},`;
  if (labels !== '') payload += `"labels":${valueJson(labels, numbers)},`;
  return [at, kind, requestId, keys, service, node, model, version, `{${payload}"latency_ms":${latencyJson(latency)},"status":${status}}`];
}

/**
 * The latency field as JSON (ms): "u<µs>" written as JSON.stringify writes
 * µs / 1000 (the latency rounded to µs), anything else as it is.
 */
export function latencyJson(field: string): string {
  return field.charCodeAt(0) === U ? jsonNumber(Number(field.slice(1)) / 1000) : field;
}

function valueJson(spec: string, numbers: Float64Array): string {
  const kind = spec.charCodeAt(0);
  if (kind === J) return spec.slice(1);
  const colon = spec.indexOf(':');
  let next = Number(spec.slice(1, colon));
  if (colon > 0 && kind === T) {
    const { json, taken } = fillTemplate(spec.slice(colon + 1), (i) => jsonNumber(numbers[next + i] ?? NaN));
    if (taken > 0 && !(next >= 0 && next + taken <= numbers.length)) throw new Error(`prediction log line: value "${spec.slice(0, 40)}" lies outside its numbers`);
    return json;
  }
  const take = (n: number): string => {
    if (!(next >= 0 && n >= 0 && next + n <= numbers.length)) throw new Error(`prediction log line: value "${spec.slice(0, 40)}" lies outside its numbers`);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(jsonNumber(numbers[next + i] ?? NaN));
    next += n;
    return `[${parts.join(',')}]`;
  };
  if (colon > 0 && kind === V) return take(Number(spec.slice(colon + 1)));
  if (colon > 0 && kind === M) return colon === spec.length - 1 ? '[]' : `[${spec.slice(colon + 1).split(',').map((n) => take(Number(n))).join(',')}]`;
  throw new Error(`prediction log line: unknown value "${spec.slice(0, 40)}"`);
}

const J = 0x4a; // "J"
const V = 0x56; // "V"
const M = 0x4d; // "M"
const T = 0x54; // "T"
const U = 0x75; // "u"

/** An expanded line split into its fields. */
export type LineFields = readonly [string, string, string, string, string, string, string, string, string];

/** One batch line, read: the fields a sink files the record under, and the record's JSON. */
export class BatchLine {
  readonly #f: LineFields;

  constructor(line: string, numbers: Float64Array) {
    this.#f = expandLine(batchFields(line), numbers);
  }

  get at(): number {
    return Number(this.#f[0]);
  }

  get requestId(): string {
    return unquoteJson(this.#f[2]);
  }

  get service(): string | undefined {
    return this.#f[4] === '' ? undefined : unquoteJson(this.#f[4]);
  }

  get model(): string {
    return unquoteJson(this.#f[6]);
  }

  /** The keys, as the strings they are looked up by; empty when the record has none. */
  keys(): readonly string[] {
    return parseKeys(this.#f[3]);
  }

  /** The whole record as JSON, given its id and ISO timestamp. */
  recordJson(id: string, timestamp: string): string {
    return assembleRecord(this.#f, id, timestamp);
  }
}

const NO_KEYS: readonly string[] = [];

/** The keys field of a line as lookup strings. */
export function parseKeys(field: string): readonly string[] {
  return field === '' ? NO_KEYS : (JSON.parse(field) as unknown[]).map(String);
}

/** A record's JSON from an expanded line's fields (payload holding the members after version), its id and timestamp. */
export function assembleRecord(f: LineFields, id: string, timestamp: string): string {
  const [, kind, requestId, keys, service, node, model, version, payload] = f;
  return (
    `{"id":${quoteJson(id)},"kind":"${kind}","timestamp":"${timestamp}","request_id":${requestId}` +
    `${keys === '' ? '' : `,"keys":${keys}`}${service === '' ? '' : `,"service":${service}`}${node === '' ? '' : `,"node":${node}`}` +
    `,"model":${model},"version":${version}${payload.length > 2 ? `,${payload.slice(1)}` : '}'}`
  );
}

/** Calls `visit` with each record of a batch, in order. */
export function readBatch(batch: PredictionBatch, visit: (line: BatchLine) => void): void {
  const numbers = batch.numbers ?? NO_NUMBERS;
  for (const line of batch.text.split('\n')) if (line !== '') visit(new BatchLine(line, numbers));
}

const NO_NUMBERS = new Float64Array(0);

/**
 * ISO-8601 text of epoch milliseconds, remembering the last one: records of a
 * busy server come many to the millisecond.
 */
export function isoTimes(): (at: number) => string {
  let lastAt = NaN;
  let last = '';
  return (at) => {
    if (at !== lastAt) {
      lastAt = at;
      last = new Date(at).toISOString();
    }
    return last;
  };
}

/** The records of a batch (new ids), for sinks that store PredictionRecords. */
export function batchRecords(batch: PredictionBatch): PredictionRecord[] {
  const iso = isoTimes();
  const records: PredictionRecord[] = [];
  readBatch(batch, (line) => records.push(JSON.parse(line.recordJson(randomUUID(), iso(line.at))) as PredictionRecord));
  return records;
}
