import { openMigratedDatabase } from './migrations.js';
import { Statements, toStoreError, type SqliteDatabase } from './session.js';

/** Options of a store whose tables live in the metadata database (schedules, bandits, training runs). */
export interface SqliteStoreOptions {
  /** The metadata database file, or `:memory:`. */
  readonly path: string;
  /** Clock for every timestamp the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * What the SQLite stores beside the registry's tables share: the database, its prepared
 * statements, the clock, and the mapping of lock and I/O failures to STORE_UNAVAILABLE.
 */
export abstract class SqliteStoreBase {
  protected readonly q: Statements;

  constructor(
    protected readonly db: SqliteDatabase,
    protected readonly now: () => Date,
  ) {
    this.q = new Statements(db);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  protected guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

/** Opens (creating and migrating) the metadata database and makes the store on it. */
export function openSqliteStore<Store>(make: new (db: SqliteDatabase, now: () => Date) => Store, options: SqliteStoreOptions): Store {
  const now = options.now ?? (() => new Date());
  return new make(openMigratedDatabase(options.path, now()), now);
}
