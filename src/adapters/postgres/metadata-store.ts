import type { Pool, PoolClient } from 'pg';
import type {
  AliasChange,
  AliasChangeInfo,
  AliasRecord,
  MetadataStore,
  ModelRecord,
  ModelSummary,
  ModelVersion,
  NewModelVersion,
} from '../../ports/metadata-store.js';
import { duplicateDigestError } from '../metadata-common.js';
import * as aliases from './aliases.js';
import { openMigratedPool } from './migrations.js';
import { isUniqueViolation, toStoreError, withTransaction, type Queryable } from './session.js';
import * as tags from './tags.js';
import * as versions from './versions.js';

export interface PostgresMetadataStoreOptions {
  /** @example "postgres://postgres@127.0.0.1:5432/mlpatterns" */
  readonly connectionString: string;
  /**
   * Schema holding the tables, created when missing; lets deployments or test
   * runs share one database. Lower-case letters, digits and "_".
   * @default the server's search_path (usually "public")
   */
  readonly schema?: string;
  /** Connections in the pool. @default 10 */
  readonly max?: number;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE. @default 5000 */
  readonly connectionTimeoutMillis?: number;
  /** Clock for every timestamp the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

/** Connects, creates the schema when asked to, and applies pending migrations. */
export async function openPostgresMetadataStore(options: PostgresMetadataStoreOptions): Promise<PostgresMetadataStore> {
  const now = options.now ?? (() => new Date());
  const pool = await openMigratedPool({ ...options, connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000 }, now());
  return new PostgresMetadataStore(pool, options.connectionString, now);
}

/**
 * MetadataStore on a node-postgres Pool. The SQL lives in versions.ts,
 * aliases.ts and tags.ts; this class picks the transaction each call needs
 * and maps connection failures to STORE_UNAVAILABLE.
 */
export class PostgresMetadataStore implements MetadataStore {
  constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    private readonly now: () => Date,
  ) {}

  async createVersion(input: NewModelVersion): Promise<ModelVersion> {
    const at = this.stamp();
    try {
      return await withTransaction(this.pool, (tx) => versions.createVersion(tx, input, at));
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateDigestError(input.name, input.digest, err);
      throw toStoreError(err, this.connectionString);
    }
  }

  getModel(name: string): Promise<ModelRecord | undefined> {
    return this.read((db) => versions.getModel(db, name));
  }

  getVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    return this.read((db) => versions.getVersion(db, name, version));
  }

  findVersionByDigest(name: string, digest: string): Promise<ModelVersion | undefined> {
    return this.read((db) => versions.findVersionByDigest(db, name, digest));
  }

  listModels(): Promise<ModelSummary[]> {
    return this.transaction(versions.listModels, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  listVersions(name: string): Promise<ModelVersion[]> {
    return this.read((db) => versions.listVersions(db, name));
  }

  setAlias(name: string, alias: string, version: number, change: AliasChangeInfo = {}): Promise<AliasRecord> {
    const at = this.stamp();
    return this.transaction((tx) => aliases.setAlias(tx, name, alias, version, change, at));
  }

  getAlias(name: string, alias: string): Promise<AliasRecord | undefined> {
    return this.read((db) => aliases.getAlias(db, name, alias));
  }

  deleteAlias(name: string, alias: string, change: AliasChangeInfo = {}): Promise<boolean> {
    const at = this.stamp();
    return this.transaction((tx) => aliases.deleteAlias(tx, name, alias, change, at));
  }

  listAliases(name: string): Promise<AliasRecord[]> {
    return this.read((db) => aliases.listAliases(db, name));
  }

  listAliasHistory(name: string, alias?: string): Promise<AliasChange[]> {
    return this.read((db) => aliases.listAliasHistory(db, name, alias));
  }

  setTags(name: string, version: number, values: Readonly<Record<string, string | null>>): Promise<Record<string, string>> {
    return this.transaction((tx) => tags.setTags(tx, name, version, values));
  }

  getTags(name: string, version: number): Promise<Record<string, string>> {
    return this.read((db) => tags.getTags(db, name, version));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** A single statement: any pooled connection will do. */
  private async read<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
    try {
      return await fn(this.pool);
    } catch (err) {
      throw toStoreError(err, this.connectionString);
    }
  }

  private async transaction<T>(fn: (tx: PoolClient) => Promise<T>, begin?: string): Promise<T> {
    try {
      return await withTransaction(this.pool, fn, begin);
    } catch (err) {
      throw toStoreError(err, this.connectionString);
    }
  }
}
