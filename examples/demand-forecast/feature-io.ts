/**
 * A feature set as an artifact folder: `features.json` (feature names, row count), `x.f64`
 * (the feature matrix, float64 little-endian, row-major: exact, compact and fast to read) and
 * `rows.csv` (what each row is: store, origin and target date, horizon, level, actual visitors,
 * the seasonal-naive forecast), which a person can open too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { formatDate, parseDate } from './calendar.js';
import { newFeatureSet, type FeatureSet } from './features.js';
import type { Store } from './generate.js';

const META_FILE = 'features.json';
const MATRIX_FILE = 'x.f64';
const ROWS_FILE = 'rows.csv';
const ROWS_HEADER = 'store,origin,date,horizon,level,actual,seasonal_naive';

/** A feature set read back, with store ids instead of indexes. */
export interface StoredFeatureSet extends FeatureSet {
  readonly storeIds: readonly string[];
}

export function writeFeatureSet(folder: string, set: FeatureSet, stores: readonly Store[]): void {
  writeFileSync(path.join(folder, META_FILE), `${JSON.stringify({ names: set.names, rows: set.rows }, null, 2)}\n`);
  writeFileSync(path.join(folder, MATRIX_FILE), toLittleEndian(set.x));
  const lines = [ROWS_HEADER];
  for (let i = 0; i < set.rows; i++) {
    const origin = set.originDay[i] ?? 0;
    const horizon = set.horizon[i] ?? 0;
    const actual = set.actual[i] ?? Number.NaN;
    lines.push(
      [stores[set.store[i] ?? -1]?.id ?? '?', formatDate(origin), formatDate(origin + horizon), horizon, set.level[i], Number.isNaN(actual) ? '' : actual, set.seasonalNaive[i]].join(','),
    );
  }
  writeFileSync(path.join(folder, ROWS_FILE), `${lines.join('\n')}\n`);
}

export function readFeatureSet(folder: string): StoredFeatureSet {
  const meta = JSON.parse(readFileSync(path.join(folder, META_FILE), 'utf8')) as { names?: unknown; rows?: unknown };
  if (!Array.isArray(meta.names) || !meta.names.every((n) => typeof n === 'string') || typeof meta.rows !== 'number') {
    throw new Error(`${path.join(folder, META_FILE)} must hold {"names": [...], "rows": N}`);
  }
  const names: string[] = meta.names;
  const rows = meta.rows;
  const raw = readFileSync(path.join(folder, MATRIX_FILE));
  if (raw.byteLength !== rows * names.length * 8) {
    throw new Error(`${path.join(folder, MATRIX_FILE)} holds ${raw.byteLength} bytes, not ${rows} rows × ${names.length} features × 8`);
  }
  const x = fromLittleEndian(raw);
  const lines = readFileSync(path.join(folder, ROWS_FILE), 'utf8').split('\n').filter((line) => line !== '');
  if (lines[0] !== ROWS_HEADER || lines.length - 1 !== rows) throw new Error(`${path.join(folder, ROWS_FILE)} must hold the header and ${rows} rows`);
  const storeIds: string[] = [];
  const storeIndex = new Map<string, number>();
  const set = { ...newFeatureSet(names, rows, x), storeIds };
  for (let i = 0; i < rows; i++) {
    const [id = '', origin = '', , horizon, level, actual = '', naive] = (lines[i + 1] ?? '').split(',');
    let s = storeIndex.get(id);
    if (s === undefined) {
      s = storeIds.push(id) - 1;
      storeIndex.set(id, s);
    }
    set.store[i] = s;
    set.originDay[i] = parseDate(origin);
    set.horizon[i] = Number(horizon);
    set.level[i] = Number(level);
    set.actual[i] = actual === '' ? Number.NaN : Number(actual);
    set.seasonalNaive[i] = Number(naive);
  }
  return set;
}

/** The feature matrix as rows of numbers (the trainers' input). */
export function featureMatrix(set: FeatureSet): number[][] {
  const width = set.names.length;
  return Array.from({ length: set.rows }, (_, i) => Array.from(set.x.subarray(i * width, (i + 1) * width)));
}

// The file is little-endian everywhere; on (nearly all) little-endian machines that is the array's own memory.
const NATIVE_LE = endianness() === 'LE';

function toLittleEndian(values: Float64Array): Uint8Array {
  if (NATIVE_LE) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
  return bytes;
}

function fromLittleEndian(bytes: Buffer): Float64Array {
  if (NATIVE_LE) return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return Float64Array.from({ length: bytes.length / 8 }, (_, i) => bytes.readDoubleLE(i * 8));
}
