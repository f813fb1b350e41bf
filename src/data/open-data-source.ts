import { stat } from 'node:fs/promises';
import { MlError } from '../errors/ml-error.js';
import { csvSource, jsonlSource, parquetSource } from './file-sources.js';
import { parseSource, type SourceLocation } from './parse-source.js';
import { sqlSource } from './sql-source.js';
import type { DataSource, OpenDataSourceOptions } from './types.js';

/**
 * Opens a data source (docs/data-sources.md): `x.csv`, `x.jsonl`, `x.parquet`,
 * `postgres://…?query=SELECT…` (or `?table=T`), `sqlite:path?query=…` (or
 * `?table=T`). Files must exist now; a database is first contacted when read.
 */
export async function openDataSource(uri: string, options: OpenDataSourceOptions = {}): Promise<DataSource> {
  const location = parseSource(uri, options.baseDir ?? process.cwd(), options.query);
  if (location.kind !== 'postgres') await assertFile(location.path, location.kind === 'sqlite' ? location.description : location.path);
  const source = openLocation(location, options);
  return options.columns === undefined ? source : project(source, options.columns);
}

/** Every row of a source, read into memory (for data that fits; stream `rows()` otherwise). */
export async function readRows(uri: string, options: OpenDataSourceOptions = {}): Promise<Record<string, unknown>[]> {
  const source = await openDataSource(uri, options);
  try {
    const rows: Record<string, unknown>[] = [];
    for await (const row of source.rows()) rows.push(row);
    return rows;
  } finally {
    await source.close();
  }
}

function openLocation(location: SourceLocation, options: OpenDataSourceOptions): DataSource {
  switch (location.kind) {
    case 'csv':
      return csvSource(location.path, options.csvTypes ?? 'infer');
    case 'jsonl':
      return jsonlSource(location.path);
    case 'parquet':
      return parquetSource(location.path);
    case 'postgres':
      return sqlSource({ kind: 'postgres', url: location.url }, location.sql, location.description);
    case 'sqlite':
      return sqlSource({ kind: 'sqlite', path: location.path }, location.sql, location.description);
  }
}

async function assertFile(file: string, source: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw new MlError('DATA_SOURCE_NOT_FOUND', { source, reason: `no such file ${file}` });
  if (!info.isFile()) throw new MlError('DATA_SOURCE_NOT_FOUND', { source, reason: `${file} is not a file` });
}

/** Only `wanted`, in that order; checked against the source's columns before the first row. */
function project(source: DataSource, wanted: readonly string[]): DataSource {
  let checked: Promise<void> | undefined;
  const check = (): Promise<void> =>
    (checked ??= source.columns().then((available) => {
      const missing = wanted.filter((name) => !available.includes(name));
      if (missing.length > 0) {
        throw new MlError('DATA_SOURCE_INVALID', { source: source.description, row: 0, reason: `no column ${missing.map((m) => `"${m}"`).join(', ')} (columns: ${available.join(', ')})` });
      }
    }));
  return {
    description: source.description,
    columns: async () => {
      await check();
      return [...wanted];
    },
    rows: async function* () {
      await check();
      for await (const row of source.rows()) {
        const out: Record<string, unknown> = {};
        for (const name of wanted) out[name] = row[name] ?? null;
        yield out;
      }
    },
    close: () => source.close(),
  };
}
