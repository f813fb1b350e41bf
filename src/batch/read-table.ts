import type { InputReader, InputRecord } from './input-record.js';
import { quoteIdent, type TableLocation } from './locations.js';
import { openSqlTable, type SqlTable } from './sql-table.js';

/** Rows fetched per query: keyset pagination, so no cursor or snapshot is held between pages. */
const PAGE_ROWS = 2_000;

/**
 * Reads a SQL table in key order, page by page (`WHERE key > last ORDER BY key
 * LIMIT n`). In null mode only rows whose `whereNull` column IS NULL are read,
 * so rows predicted meanwhile (by this run or another) are skipped.
 */
export function tableReader(location: TableLocation, key: string, whereNull: string | undefined): InputReader {
  let table: SqlTable | undefined;
  const open = async (): Promise<SqlTable> => (table ??= await openSqlTable(location));
  const nullFilter = whereNull ? `${quoteIdent(whereNull)} IS NULL` : undefined;
  return {
    estimateTotal: async () => {
      const t = await open();
      const rows = await t.query(`SELECT count(*) AS n FROM ${quoteIdent(location.table)}${nullFilter ? ` WHERE ${nullFilter}` : ''}`, []);
      return Number(rows[0]?.n ?? 0);
    },
    rows: () => pages(open, location.table, key, nullFilter),
    close: async () => {
      await table?.close();
    },
  };
}

async function* pages(open: () => Promise<SqlTable>, tableName: string, key: string, nullFilter: string | undefined): AsyncGenerator<InputRecord> {
  const t = await open();
  const k = quoteIdent(key);
  let last: unknown;
  let row = 0;
  for (;;) {
    const where = [nullFilter, last === undefined ? undefined : `${k} > ${t.param(1)}`].filter(Boolean).join(' AND ');
    const sql = `SELECT * FROM ${quoteIdent(tableName)}${where ? ` WHERE ${where}` : ''} ORDER BY ${k} LIMIT ${PAGE_ROWS}`;
    const rows = await t.query(sql, last === undefined ? [] : [last]);
    for (const record of rows) {
      row++;
      yield { row, record };
    }
    if (rows.length < PAGE_ROWS) return;
    last = rows[rows.length - 1]?.[key];
  }
}
