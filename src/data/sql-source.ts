import { MlError } from '../errors/ml-error.js';
import { openSqlTable, type SqlTable } from '../batch/sql-table.js';
import type { DataSource } from './types.js';

/** Rows fetched per round trip (a cursor page in PostgreSQL). */
const PAGE_ROWS = 2_000;

/**
 * A read-only query on PostgreSQL or SQLite, streamed page by page. The
 * connection opens on first use, so opening a source costs nothing until it is read.
 */
export function sqlSource(location: { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string }, sql: string, description: string): DataSource {
  let opened: Promise<SqlTable> | undefined;
  const open = (): Promise<SqlTable> =>
    (opened ??= openSqlTable(location, { readOnly: true }).catch((err: unknown) => {
      opened = undefined;
      throw unavailable(description, err);
    }));
  return {
    description,
    columns: async () => {
      const db = await open();
      try {
        return await db.columns(sql);
      } catch (err) {
        throw queryError(description, location.kind, err);
      }
    },
    rows: async function* () {
      const db = await open();
      try {
        for await (const page of db.stream(sql, PAGE_ROWS)) yield* page;
      } catch (err) {
        throw queryError(description, location.kind, err);
      }
    },
    close: async () => {
      const db = await opened?.catch(() => undefined);
      opened = undefined;
      await db?.close();
    },
  };
}

/**
 * SQLSTATE classes of a server that cannot be used at all (connection,
 * authentication, unknown database, out of resources), as opposed to a query it refused.
 */
const UNAVAILABLE_SQLSTATE = /^(08|28|3D|53|57P)/;

/** Sorts a failure into: the source cannot be reached (or the file opened), or it refused the query. */
function queryError(source: string, dialect: 'postgres' | 'sqlite', err: unknown): MlError {
  if (err instanceof MlError) return err;
  const code = (err as { code?: unknown }).code;
  // The SQLite file is open by now: whatever fails is the query. PostgreSQL errors from the server
  // carry a five-character SQLSTATE; socket errors carry ECONNREFUSED and the like.
  const sqlstate = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const refused = dialect === 'sqlite' || isReadOnlyRefusal(err) || (sqlstate !== undefined && !UNAVAILABLE_SQLSTATE.test(sqlstate));
  if (refused) return new MlError('DATA_SOURCE_QUERY_FAILED', { source, reason: messageOf(err) }, { cause: err });
  return unavailable(source, err);
}

function isReadOnlyRefusal(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('only a read-only query');
}

function unavailable(source: string, err: unknown): MlError {
  if (err instanceof MlError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_CANTOPEN') return new MlError('DATA_SOURCE_NOT_FOUND', { source, reason: messageOf(err) }, { cause: err });
  return new MlError('DATA_SOURCE_UNAVAILABLE', { source, reason: messageOf(err) }, { cause: err });
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(messageOf).join('; ');
  return err instanceof Error ? err.message || String((err as { code?: unknown }).code) : String(err);
}
