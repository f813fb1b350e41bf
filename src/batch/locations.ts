import path from 'node:path';

/** A SQL table: a PostgreSQL connection string or a SQLite file, plus the table name. */
export type TableLocation =
  | { readonly kind: 'postgres'; readonly url: string; readonly table: string }
  | { readonly kind: 'sqlite'; readonly path: string; readonly table: string };

export type InputLocation =
  | { readonly kind: 'csv' | 'jsonl' | 'parquet'; readonly path: string }
  | TableLocation;

export type OutputLocation = { readonly kind: 'csv' | 'jsonl'; readonly path: string } | TableLocation;

/**
 * Parses `postgres://user@host:5432/db?table=T`, `postgresql://…?table=T` and
 * `sqlite:<path>?table=T`. The `table` parameter is removed from the
 * connection string (pg would pass it to the server as an option); it may be
 * schema-qualified (`public.items`).
 */
export function parseTable(text: string, flag: string): TableLocation | undefined {
  if (/^postgres(ql)?:\/\//.test(text)) {
    const url = new URL(text);
    const table = url.searchParams.get('table');
    if (!table) throw new Error(`${flag}: a PostgreSQL location needs ?table=<name>, got "${text}"`);
    url.searchParams.delete('table');
    return { kind: 'postgres', url: url.toString(), table: checkTableName(table, flag) };
  }
  if (text.startsWith('sqlite:')) {
    const rest = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    const q = rest.lastIndexOf('?');
    const params = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
    const table = params.get('table');
    const file = q >= 0 ? rest.slice(0, q) : rest;
    if (!table || !file) throw new Error(`${flag}: a SQLite location is sqlite:<path>?table=<name>, got "${text}"`);
    return { kind: 'sqlite', path: path.resolve(file), table: checkTableName(table, flag) };
  }
  return undefined;
}

export function parseInput(text: string): InputLocation {
  const table = parseTable(text, '--input');
  if (table) return table;
  const ext = path.extname(text).toLowerCase();
  const file = path.resolve(text);
  if (ext === '.csv') return { kind: 'csv', path: file };
  if (ext === '.jsonl' || ext === '.ndjson') return { kind: 'jsonl', path: file };
  if (ext === '.parquet') return { kind: 'parquet', path: file };
  throw new Error(`--input must be a .csv, .jsonl, .ndjson or .parquet file, postgres://…?table=T or sqlite:<path>?table=T, got "${text}"`);
}

export function parseOutput(text: string): OutputLocation {
  const table = parseTable(text, '--output');
  if (table) return table;
  const ext = path.extname(text).toLowerCase();
  const file = path.resolve(text);
  if (ext === '.csv') return { kind: 'csv', path: file };
  if (ext === '.jsonl' || ext === '.ndjson') return { kind: 'jsonl', path: file };
  throw new Error(`--output must be a .jsonl or .csv file, sqlite:<path>?table=T or postgres://…?table=T, got "${text}"`);
}

/** Table and column names are spliced into SQL (identifiers cannot be bound): letters, digits, _ and one schema dot only. */
export function checkTableName(name: string, flag: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
    throw new Error(`${flag}: table name "${name}" must be letters, digits and _ (optionally schema.table)`);
  }
  return name;
}

export function checkColumnName(name: string, flag: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${flag}: column name "${name}" must be letters, digits and _`);
  return name;
}

/** A checked identifier, double-quoted (schema.table → "schema"."table"). */
export function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** What a location is called in messages and summaries (no password). */
export function describeLocation(loc: InputLocation | OutputLocation): string {
  if (loc.kind === 'postgres') {
    const url = new URL(loc.url);
    url.password = '';
    return `${url.toString()}#${loc.table}`;
  }
  if (loc.kind === 'sqlite') return `sqlite:${loc.path}?table=${loc.table}`;
  return loc.path;
}
