/**
 * The data artifact between the generate step and the rest: `visitors.csv` (date, store,
 * visitors; one row per store and day, long format like a warehouse table) and `stores.csv`
 * (store, type, region, base_level). Reading checks what the features rely on and says
 * exactly what is wrong: unknown stores, duplicate or missing days, bad numbers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatDate, parseDate } from './calendar.js';
import { STORE_TYPES, type Store, type StoreType, type VisitorData } from './generate.js';

export const VISITORS_FILE = 'visitors.csv';
export const STORES_FILE = 'stores.csv';

export function writeVisitorData(folder: string, data: VisitorData): void {
  const stores = ['store,type,region,base_level', ...data.stores.map((s) => `${s.id},${s.type},${s.region},${s.baseLevel}`)];
  writeFileSync(path.join(folder, STORES_FILE), `${stores.join('\n')}\n`);
  const lines: string[] = ['date,store,visitors'];
  for (let i = 0; i < data.days; i++) {
    const date = formatDate(data.firstDay + i);
    data.stores.forEach((store, s) => lines.push(`${date},${store.id},${data.visitors[s]?.[i] ?? 0}`));
  }
  writeFileSync(path.join(folder, VISITORS_FILE), `${lines.join('\n')}\n`);
}

export function readVisitorData(folder: string): VisitorData {
  const stores = readStores(path.join(folder, STORES_FILE));
  const file = path.join(folder, VISITORS_FILE);
  const rows = dataLines(file, 'date,store,visitors');
  const index = new Map(stores.map((s, i) => [s.id, i]));
  const parsed: { day: number; store: number; visitors: number }[] = [];
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const [line, fields] of rows) {
    const [date = '', id = '', count = ''] = fields;
    const store = index.get(id);
    if (store === undefined) throw new Error(`${file}:${line}: store "${id}" is not in ${STORES_FILE}`);
    const visitors = Number(count);
    if (count === '' || !Number.isFinite(visitors) || visitors < 0) throw new Error(`${file}:${line}: visitors must be a number >= 0 (got "${count}")`);
    const day = parseDateAt(date, file, line);
    firstDay = Math.min(firstDay, day);
    lastDay = Math.max(lastDay, day);
    parsed.push({ day, store, visitors });
  }
  if (parsed.length === 0) throw new Error(`${file} has no rows`);
  const days = lastDay - firstDay + 1;
  const visitors = stores.map(() => new Float64Array(days).fill(Number.NaN));
  for (const row of parsed) {
    const series = visitors[row.store] as Float64Array;
    const i = row.day - firstDay;
    if (!Number.isNaN(series[i] ?? 0)) throw new Error(`${file}: store ${stores[row.store]?.id} has two rows for ${formatDate(row.day)}`);
    series[i] = row.visitors;
  }
  visitors.forEach((series, s) => {
    const missing = series.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);
    if (missing > 0) {
      const first = series.findIndex((v) => Number.isNaN(v));
      throw new Error(`${file}: store ${stores[s]?.id} has no row for ${missing} day(s) between ${formatDate(firstDay)} and ${formatDate(lastDay)} (first: ${formatDate(firstDay + first)}); write 0 for days it was closed`);
    }
  });
  return { firstDay, days, stores, visitors };
}

function readStores(file: string): Store[] {
  const seen = new Set<string>();
  return dataLines(file, 'store,type,region,base_level').map(([line, [id = '', type = '', region = '', base = '']]) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new Error(`${file}:${line}: store id "${id}" must be letters, digits, "_", "." or "-"`);
    if (seen.has(id)) throw new Error(`${file}:${line}: store "${id}" is listed twice`);
    seen.add(id);
    if (!(STORE_TYPES as readonly string[]).includes(type)) throw new Error(`${file}:${line}: type "${type}" is not one of ${STORE_TYPES.join(', ')}`);
    return { id, type: type as StoreType, region, baseLevel: Number(base) };
  });
}

/** Non-empty lines after the header, with their 1-based line numbers; checks the header. */
function dataLines(file: string, header: string): [number, string[]][] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines[0]?.trim() !== header) throw new Error(`${file}: the first line must be the header "${header}" (got "${lines[0] ?? ''}")`);
  const out: [number, string[]][] = [];
  lines.forEach((text, i) => {
    if (i > 0 && text.trim() !== '') out.push([i + 1, text.split(',').map((f) => f.trim())]);
  });
  return out;
}

function parseDateAt(text: string, file: string, line: number): number {
  try {
    return parseDate(text);
  } catch (err) {
    throw new Error(`${file}:${line}: ${(err as Error).message}`);
  }
}
