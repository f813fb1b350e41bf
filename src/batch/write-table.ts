import { quoteIdent, type TableLocation } from './locations.js';
import type { OutputWriter } from './output-writer.js';
import { openSqlTable, type SqlTable } from './sql-table.js';

/** Rows per INSERT statement (SQLite allows 32766 parameters; 4 per row). */
const INSERT_ROWS = 500;

/**
 * A SQL table output: `(<key> TEXT PRIMARY KEY, prediction JSON, label TEXT,
 * run_id TEXT, updated_at)`, created when missing; every shard is upserted
 * (INSERT … ON CONFLICT DO UPDATE) in one transaction, so a shard written
 * twice still leaves one row per key.
 */
export function tableWriter(location: TableLocation, keyColumn: string, runId: string): OutputWriter {
  let opened: Promise<SqlTable> | undefined;
  const open = (): Promise<SqlTable> =>
    (opened ??= openSqlTable(location).then(async (t) => {
      const json = t.dialect === 'postgres' ? 'JSONB' : 'TEXT';
      const time = t.dialect === 'postgres' ? 'TIMESTAMPTZ' : 'TEXT';
      await t.query(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(location.table)} (${quoteIdent(keyColumn)} TEXT PRIMARY KEY, prediction ${json}, label TEXT, run_id TEXT, updated_at ${time})`,
        [],
      );
      return t;
    }));
  return {
    write: async (_shard, rows) => {
      const t = await open();
      const now = new Date().toISOString();
      const statements = [];
      for (let at = 0; at < rows.length; at += INSERT_ROWS) {
        const chunk = rows.slice(at, at + INSERT_ROWS);
        const params: unknown[] = [];
        const values = chunk.map((r) => {
          params.push(String(r.key), JSON.stringify(r.prediction), r.label ?? null, runId, now);
          const n = params.length;
          return `(${[n - 4, n - 3, n - 2, n - 1, n].map((i) => t.param(i)).join(', ')})`;
        });
        const k = quoteIdent(keyColumn);
        statements.push({
          sql: `INSERT INTO ${quoteIdent(location.table)} (${k}, prediction, label, run_id, updated_at) VALUES ${values.join(', ')}
                ON CONFLICT (${k}) DO UPDATE SET prediction = excluded.prediction, label = excluded.label, run_id = excluded.run_id, updated_at = excluded.updated_at`,
          params,
        });
      }
      await t.transaction(statements);
    },
    finish: async () => undefined,
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}

/**
 * Null mode's output: each prediction goes back into the input table's
 * prediction column, only where it is still NULL (a row predicted meanwhile
 * by another run keeps its value).
 */
export function nullColumnWriter(location: TableLocation, keyColumn: string, column: string): OutputWriter {
  let opened: Promise<SqlTable> | undefined;
  const open = (): Promise<SqlTable> => (opened ??= openSqlTable(location));
  return {
    write: async (_shard, rows) => {
      const t = await open();
      const c = quoteIdent(column);
      const sql = `UPDATE ${quoteIdent(location.table)} SET ${c} = ${t.param(1)} WHERE ${quoteIdent(keyColumn)} = ${t.param(2)} AND ${c} IS NULL`;
      await t.transaction(rows.map((r) => ({ sql, params: [JSON.stringify(r.prediction), r.key] })));
    },
    finish: async () => undefined,
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
