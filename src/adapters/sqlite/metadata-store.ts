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
import { openMigratedDatabase } from './migrations.js';
import { isUniqueViolation, Statements, toStoreError, type SqliteDatabase } from './session.js';
import * as tags from './tags.js';
import * as versions from './versions.js';

export interface SqliteMetadataStoreOptions {
  /**
   * Database file (its folder is created), or `:memory:` for a private,
   * throw-away database.
   * @default ".mlpatterns/mlpatterns.db"
   */
  readonly path?: string;
  /** Clock for every timestamp the store writes. @default () => new Date() */
  readonly now?: () => Date;
}

export const DEFAULT_SQLITE_PATH = '.mlpatterns/mlpatterns.db';

/** Opens (creating and migrating) the embedded metadata database. */
export async function openSqliteMetadataStore(options: SqliteMetadataStoreOptions = {}): Promise<SqliteMetadataStore> {
  const now = options.now ?? (() => new Date());
  const db = openMigratedDatabase(options.path ?? DEFAULT_SQLITE_PATH, now());
  return new SqliteMetadataStore(db, now);
}

/**
 * MetadataStore on better-sqlite3. The SQL lives in versions.ts, aliases.ts
 * and tags.ts; this class picks the transaction each call needs. Writes are
 * IMMEDIATE transactions: they take the write lock up front, so concurrent
 * processes queue (busy_timeout) instead of failing half-way.
 */
export class SqliteMetadataStore implements MetadataStore {
  private readonly q: Statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {
    this.q = new Statements(db);
  }

  async createVersion(input: NewModelVersion): Promise<ModelVersion> {
    const at = this.stamp();
    try {
      return this.db.transaction(() => versions.createVersion(this.q, input, at)).immediate();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateDigestError(input.name, input.digest, err);
      throw toStoreError(err);
    }
  }

  async getModel(name: string): Promise<ModelRecord | undefined> {
    return this.guard(() => versions.getModel(this.q, name));
  }

  async getVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    return this.guard(() => versions.getVersion(this.q, name, version));
  }

  async findVersionByDigest(name: string, digest: string): Promise<ModelVersion | undefined> {
    return this.guard(() => versions.findVersionByDigest(this.q, name, digest));
  }

  async listModels(): Promise<ModelSummary[]> {
    return this.guard(() => this.db.transaction(() => versions.listModels(this.q)).deferred());
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    return this.guard(() => versions.listVersions(this.q, name));
  }

  async setAlias(name: string, alias: string, version: number, change: AliasChangeInfo = {}): Promise<AliasRecord> {
    const at = this.stamp();
    return this.write(() => aliases.setAlias(this.q, name, alias, version, change, at));
  }

  async getAlias(name: string, alias: string): Promise<AliasRecord | undefined> {
    return this.guard(() => aliases.getAlias(this.q, name, alias));
  }

  async deleteAlias(name: string, alias: string, change: AliasChangeInfo = {}): Promise<boolean> {
    const at = this.stamp();
    return this.write(() => aliases.deleteAlias(this.q, name, alias, change, at));
  }

  async listAliases(name: string): Promise<AliasRecord[]> {
    return this.guard(() => aliases.listAliases(this.q, name));
  }

  async listAliasHistory(name: string, alias?: string): Promise<AliasChange[]> {
    return this.guard(() => aliases.listAliasHistory(this.q, name, alias));
  }

  async setTags(name: string, version: number, values: Readonly<Record<string, string | null>>): Promise<Record<string, string>> {
    return this.write(() => tags.setTags(this.q, name, version, values));
  }

  async getTags(name: string, version: number): Promise<Record<string, string>> {
    return this.guard(() => tags.getTags(this.q, name, version));
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private write<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn).immediate());
  }

  /** Maps lock and I/O failures to STORE_UNAVAILABLE; everything else passes through. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}
