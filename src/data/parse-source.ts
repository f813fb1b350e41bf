import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlError } from '../errors/ml-error.js';
import { checkColumnName, checkTableName, quoteIdent } from '../batch/locations.js';

/** Where a data source reads from, once its URI is understood. */
export type SourceLocation =
  | { readonly kind: 'csv' | 'jsonl' | 'parquet'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly sql: string; readonly description: string }
  | { readonly kind: 'sqlite'; readonly path: string; readonly sql: string; readonly description: string };

const FORMS = 'a .csv, .jsonl (.ndjson) or .parquet file, postgres://…?query=SELECT… (or ?table=T), or sqlite:<path>?query=SELECT… (or ?table=T)';

/**
 * Parses a data source URI. Files are resolved against `baseDir`; a database
 * source reads `query` (from the URI's `?query=` or the option) or every row of
 * `?table=T` (optionally `&orderBy=col`, since only an ordered read is
 * reproducible).
 */
export function parseSource(uri: string, baseDir: string, query?: string): SourceLocation {
  const text = uri.trim();
  if (text === '') throw new MlError('DATA_SOURCE_UNSUPPORTED', { source: uri, reason: `the source is empty; give ${FORMS}` });
  if (/^postgres(ql)?:\/\//i.test(text)) return parsePostgres(text, query);
  if (text.startsWith('sqlite:')) return parseSqlite(text, baseDir, query);
  if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(text) && !text.startsWith('file://')) {
    throw new MlError('DATA_SOURCE_UNSUPPORTED', { source: uri, reason: `unknown scheme; give ${FORMS}` });
  }
  if (query !== undefined) throw new MlError('DATA_SOURCE_UNSUPPORTED', { source: uri, reason: '"query" applies to database sources (postgres://, sqlite:), not to files' });
  const file = text.startsWith('file://') ? fileURLToPath(text) : path.resolve(baseDir, text);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return { kind: 'csv', path: file };
  if (ext === '.jsonl' || ext === '.ndjson') return { kind: 'jsonl', path: file };
  if (ext === '.parquet') return { kind: 'parquet', path: file };
  throw new MlError('DATA_SOURCE_UNSUPPORTED', { source: uri, reason: `unknown file type "${ext || '(none)'}"; give ${FORMS}` });
}

function parsePostgres(text: string, query: string | undefined): SourceLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MlError('DATA_SOURCE_UNSUPPORTED', { source: text, reason: 'not a valid URL' });
  }
  const display = new URL(url.toString());
  display.password = '';
  for (const name of ['query', 'table', 'orderBy']) display.searchParams.delete(name);
  const description = display.toString();
  const sql = statement(description, url.searchParams, query);
  for (const name of ['query', 'table', 'orderBy']) url.searchParams.delete(name);
  return { kind: 'postgres', url: url.toString(), sql, description };
}

function parseSqlite(text: string, baseDir: string, query: string | undefined): SourceLocation {
  const rest = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  const q = rest.indexOf('?');
  const file = q >= 0 ? rest.slice(0, q) : rest;
  if (file === '') throw new MlError('DATA_SOURCE_UNSUPPORTED', { source: text, reason: 'give the database file: sqlite:<path>?query=SELECT…' });
  const resolved = path.resolve(baseDir, file);
  const description = `sqlite:${resolved}`;
  return { kind: 'sqlite', path: resolved, sql: statement(description, new URLSearchParams(q >= 0 ? rest.slice(q + 1) : ''), query), description };
}

/** The SQL to run: exactly one of a query (URI or option) and a table. */
function statement(source: string, params: URLSearchParams, option: string | undefined): string {
  const inUri = params.get('query') ?? undefined;
  const table = params.get('table') ?? undefined;
  const orderBy = params.get('orderBy') ?? undefined;
  const given = [inUri, option, table].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new MlError('DATA_SOURCE_UNSUPPORTED', {
      source,
      reason: given.length === 0 ? 'a database source needs ?query=SELECT… or ?table=T' : 'give exactly one of ?query=, the "query" option and ?table=',
    });
  }
  if (table === undefined) {
    if (orderBy !== undefined) throw new MlError('DATA_SOURCE_UNSUPPORTED', { source, reason: '?orderBy= goes with ?table=; put ORDER BY in the query' });
    // A trailing semicolon would end the statement the query is wrapped in (cursor, column probe).
    const sql = (inUri ?? option ?? '').trim().replace(/;\s*$/, '');
    if (sql === '') throw new MlError('DATA_SOURCE_UNSUPPORTED', { source, reason: 'the query is empty' });
    return sql;
  }
  try {
    checkTableName(table, 'table');
    if (orderBy !== undefined) checkColumnName(orderBy, 'orderBy');
  } catch (err) {
    throw new MlError('DATA_SOURCE_UNSUPPORTED', { source, reason: (err as Error).message });
  }
  return `SELECT * FROM ${quoteIdent(table)}${orderBy !== undefined ? ` ORDER BY ${quoteIdent(orderBy)}` : ''}`;
}
