import { fileURLToPath } from 'node:url';
import { MlError } from '../errors/ml-error.js';
import type { ArtifactStore } from '../ports/artifact-store.js';
import type { MetadataStore } from '../ports/metadata-store.js';
import { FsArtifactStore } from './fs/index.js';
import { openPostgresMetadataStore } from './postgres/index.js';
import { DEFAULT_SQLITE_PATH, openSqliteMetadataStore } from './sqlite/index.js';

/**
 * Picks and opens the MetadataStore adapter a URL names:
 * - `postgres://...` / `postgresql://...` → PostgreSQL (`?schema=name` picks the schema);
 * - `sqlite:path`, `sqlite:///abs/path`, a plain path or `:memory:` → SQLite;
 * - `""` → SQLite at `.mlpatterns/mlpatterns.db`.
 * Rejects with STORE_UNAVAILABLE when the store cannot be opened or reached.
 */
export function openMetadataStore(url: string): Promise<MetadataStore> {
  return openOnMetadataDatabase<MetadataStore>(url, { postgres: openPostgresMetadataStore, sqlite: openSqliteMetadataStore });
}

/** How to open one kind of store on each database a metadata store URL can name. */
export interface MetadataDatabaseOpeners<Store> {
  postgres(options: { connectionString: string; schema?: string }): Promise<Store>;
  sqlite(options: { path: string }): Store | Promise<Store>;
}

/**
 * Opens a store on the database a metadata store URL names (the forms `openMetadataStore`
 * takes): the stores whose tables live beside the registry's (schedules, bandits, training
 * runs) then share its database, and every one of them reads the URL the same way.
 */
export async function openOnMetadataDatabase<Store>(url: string, open: MetadataDatabaseOpeners<Store>): Promise<Store> {
  const scheme = schemeOf(url);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { connectionString, schema } = splitSchema(url);
    return open.postgres(schema === undefined ? { connectionString } : { connectionString, schema });
  }
  if (scheme === 'sqlite') return open.sqlite({ path: pathAfterScheme(url, 'sqlite') || DEFAULT_SQLITE_PATH });
  if (scheme === undefined) return open.sqlite({ path: url || DEFAULT_SQLITE_PATH });
  throw unsupported('metadata', url, 'sqlite:PATH, a path, or postgres://...');
}

/**
 * Picks the ArtifactStore adapter a URL names: `file:///abs`, `file:relative`
 * or a plain path → local filesystem; `""` → `.mlpatterns/artifacts`.
 */
export async function openArtifactStore(url: string): Promise<ArtifactStore> {
  const scheme = schemeOf(url);
  if (scheme === 'file') {
    const root = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
    return new FsArtifactStore(root === '' ? {} : { root });
  }
  if (scheme === undefined) return new FsArtifactStore(url === '' ? {} : { root: url });
  throw unsupported('artifact', url, 'file:PATH or a path');
}

/**
 * The URL scheme, lower-cased, or `undefined` for a plain path. One-letter
 * "schemes" are Windows drive letters (`C:\models`), hence two or more.
 */
export function schemeOf(url: string): string | undefined {
  if (url === ':memory:') return undefined;
  return /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(url)?.[1]?.toLowerCase();
}

export function pathAfterScheme(url: string, scheme: string): string {
  const rest = url.slice(scheme.length + 1);
  // sqlite:///abs/path and sqlite://relative/path, as SQLAlchemy writes them.
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/** `schema` is ours, not libpq's: take it out before pg parses the URL. */
export function splitSchema(url: string): { connectionString: string; schema?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new MlError('STORE_UNAVAILABLE', { reason: 'the PostgreSQL URL is not a valid URL' }, { cause: err });
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionString: url };
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

function unsupported(kind: string, url: string, expected: string): MlError {
  const scheme = schemeOf(url) ?? '';
  return new MlError('STORE_UNAVAILABLE', {
    reason: `unsupported ${kind} store URL scheme "${scheme}:" (use ${expected})`,
  });
}
