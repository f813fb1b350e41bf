import type { Pool } from 'pg';
import { openMigratedPool } from './migrations.js';
import { toStoreError } from './session.js';

/** Options of a store whose tables live beside the metadata store's (schedules, bandits, training runs). */
export interface PostgresStoreOptions {
  readonly connectionString: string;
  /** Schema holding the tables (the metadata store's), created when missing. @default the server's search_path */
  readonly schema?: string;
  /** Connections in the pool. @default 2 */
  readonly max?: number;
  /** Clock for every timestamp the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * What the PostgreSQL stores beside the registry's tables share: a pool, the URL that
 * connection errors name, the clock, and the mapping of connection failures to STORE_UNAVAILABLE.
 */
export abstract class PostgresStoreBase {
  constructor(
    protected readonly pool: Pool,
    protected readonly connectionString: string,
    protected readonly now: () => Date,
  ) {}

  async close(): Promise<void> {
    await this.pool.end();
  }

  protected async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, this.connectionString);
    }
  }
}

/**
 * Connects (a small pool: these stores write a few rows at a time), applies pending migrations
 * (the metadata store's list) and makes the store.
 */
export async function openPostgresStore<Store>(
  make: new (pool: Pool, connectionString: string, now: () => Date) => Store,
  options: PostgresStoreOptions,
): Promise<Store> {
  const now = options.now ?? (() => new Date());
  const pool = await openMigratedPool({ ...options, max: options.max ?? 2, connectionTimeoutMillis: 5000 }, now());
  return new make(pool, options.connectionString, now);
}
