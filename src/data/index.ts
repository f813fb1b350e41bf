/** Data sources (docs/data-sources.md): one interface over CSV, JSON Lines, Parquet, PostgreSQL and SQLite. */
export { openDataSource, readRows } from './open-data-source.js';
export { parseSource, type SourceLocation } from './parse-source.js';
export type { DataSource, OpenDataSourceOptions } from './types.js';
export { COLUMNS_FILE, ROWS_FILE, readDataFolder, writeDataFolder, writeDataRows, type DataTable } from './data-folder.js';
