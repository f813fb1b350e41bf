import { jsonNumber, quoteJson } from '../ports/event-log-batch.js';
import { jsonTemplate, type NumberSink } from './json-template.js';
import { toJsonValue } from './json-value.js';
import { redactInstances } from './redact.js';

/** What a route notes about a model call (model, version, latency and status come from the call itself). */
export interface NotedFacts {
  readonly requestId: string;
  readonly keys?: readonly (string | number)[] | undefined;
  readonly service?: string | undefined;
  readonly node?: string | undefined;
  readonly variant?: string | undefined;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly labels?: readonly unknown[] | undefined;
}

/** The call's own facts, and how the logger treats its inputs. */
export interface CallOutcome {
  readonly model: string;
  readonly version: string;
  readonly latencyMs: number;
  readonly status: string;
  /** When the call finished, ms since the epoch. */
  readonly at: number;
  /** False when sampling left the inputs out. */
  readonly keepInputs: boolean;
  /** Parsed redaction paths (parseRedactPaths). */
  readonly redact: readonly (readonly string[])[];
}

/** Where an encoder puts the numbers it ships as numbers (a chunk of the logger's buffer). */
export interface NumberWriter extends NumberSink {
  /** Appends the values; returns the index of the first. */
  putAll(values: ArrayLike<number>): number;
  /** Numbers written so far. */
  readonly size: number;
  /** Takes back the numbers written after the first `size`. */
  truncate(size: number): void;
}

/**
 * Turns model calls into batch lines (src/ports/event-log-batch.ts): all a
 * record costs on the serving thread. Inputs and outputs are captured as they
 * are at the call, so a caller changing them later changes nothing. Arrays of
 * numbers (rows of features, of probabilities) go out as their shape plus the
 * numbers themselves, copied into a Float64Array: formatting numbers as text
 * is what JSON spends most on for them, and the sink does it off this thread.
 * Other objects and arrays (predictions: `{"label": …, "probabilities": […]}`)
 * go out as JSON with a # for each number, the numbers copied the same way.
 * Anything else is JSON text; the short strings are quoted without a
 * JSON.stringify call (quoteJson), whose fixed cost outweighs their content.
 */
export class PredictionEncoder {
  /** JSON of the few names seen over and over (models, versions, services, nodes, statuses). */
  readonly #names = new Map<string, string>();

  /** Throws only for values JSON cannot hold (a cycle, nesting too deep to walk). */
  encode(noted: NotedFacts, call: CallOutcome, numbers: NumberWriter): string {
    const keepInputs = call.keepInputs && noted.inputs !== undefined;
    const inputs = keepInputs ? value(call.redact.length > 0 ? redactInstances(toJsonValue(noted.inputs), call.redact) : noted.inputs, numbers) : '';
    const outputs = noted.outputs !== undefined ? value(noted.outputs, numbers) : '';
    const labels = noted.labels ? value(noted.labels, numbers) : '';
    return (
      `${call.at}\tprediction\t${quoteJson(noted.requestId)}\t${noted.keys ? JSON.stringify(noted.keys) : ''}` +
      `\t${noted.service !== undefined ? this.#name(noted.service) : ''}\t${noted.node !== undefined ? this.#name(noted.node) : ''}` +
      `\t${this.#name(call.model)}\t${this.#name(call.version)}\t${noted.variant !== undefined ? this.#name(noted.variant) : ''}` +
      `\t${inputs}\t${outputs}\t${labels}\t${latencyField(call.latencyMs)}\t${this.#name(call.status)}`
    );
  }

  #name(name: string): string {
    let json = this.#names.get(name);
    if (json === undefined) {
      json = quoteJson(name);
      // Bounded: names come from the config, but a client could make versions or nodes vary.
      if (this.#names.size >= MAX_NAMES) this.#names.clear();
      this.#names.set(name, json);
    }
    return json;
  }
}

const MAX_NAMES = 1024;

/**
 * `latency_ms` as a batch line holds it: "u" and the whole microseconds
 * (String of an integer is cheap; of a fraction, it costs more than the rest
 * of the line's fields together). The reader writes it in ms (latencyJson).
 */
export function latencyField(ms: number): string {
  const us = Math.round(ms * 1000);
  return us >= 0 && us <= Number.MAX_SAFE_INTEGER ? `u${us}` : jsonNumber(us / 1000);
}

/**
 * A batch-line value: "V"/"M", where its numbers start and its shape, "T",
 * where its numbers start and its JSON with a # for each number (numbers to
 * `numbers`), "J" and JSON text, or "" when JSON leaves it out.
 */
function value(v: unknown, numbers: NumberWriter): string {
  if (Array.isArray(v)) {
    if (allNumbers(v)) return `V${numbers.putAll(v as number[])}:${v.length}`;
    if (v.length > 0 && allRows(v)) {
      let shape = '';
      let first = 0;
      for (let i = 0; i < v.length; i++) {
        const row = v[i] as ArrayLike<number>;
        const at = numbers.putAll(row);
        if (i === 0) first = at;
        shape += i === 0 ? `${row.length}` : `,${row.length}`;
      }
      return `M${first}:${shape}`;
    }
    if (allStrings(v)) return `J[${v.map(quoteJson).join(',')}]`;
  } else if (isNumberRow(v)) {
    return `V${numbers.putAll(v)}:${v.length}`;
  }
  if (typeof v === 'object' && v !== null) {
    const at = numbers.size;
    const template = jsonTemplate(v, numbers);
    if (template !== undefined) return `T${at}:${template}`;
    numbers.truncate(at);
  }
  const json = JSON.stringify(toJsonValue(v)) as string | undefined;
  return json === undefined ? '' : `J${json}`;
}

function allNumbers(v: readonly unknown[]): boolean {
  // An index loop: holes read as undefined (JSON writes them as null, so they take the JSON path).
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

function allRows(v: readonly unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (!isNumberRow(v[i])) return false;
  return true;
}

function allStrings(v: readonly unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/** An array of numbers, or a typed array of numbers (not of bigints: those take the JSON path's conversion). */
function isNumberRow(v: unknown): v is ArrayLike<number> {
  if (Array.isArray(v)) return allNumbers(v);
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
}
