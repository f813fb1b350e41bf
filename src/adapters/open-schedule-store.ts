import { MlError } from '../errors/ml-error.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import { pathAfterScheme, schemeOf, splitSchema } from './open-stores.js';
import { openPostgresScheduleStore } from './postgres/schedule-store.js';
import { DEFAULT_SQLITE_PATH } from './sqlite/index.js';
import { openSqliteScheduleStore } from './sqlite/schedule-store.js';

/**
 * Opens the ScheduleStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): schedule runs sit beside the registry's tables, so
 * schedulers that share a metadata store share their locks.
 */
export async function openScheduleStore(url: string): Promise<ScheduleStore> {
  const scheme = schemeOf(url);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { connectionString, schema } = splitSchema(url);
    return openPostgresScheduleStore(schema === undefined ? { connectionString } : { connectionString, schema });
  }
  if (scheme === 'sqlite') return openSqliteScheduleStore({ path: pathAfterScheme(url, 'sqlite') || DEFAULT_SQLITE_PATH });
  if (scheme === undefined) return openSqliteScheduleStore({ path: url || DEFAULT_SQLITE_PATH });
  throw new MlError('STORE_UNAVAILABLE', { reason: `unsupported metadata store URL scheme "${scheme}:" (use sqlite:PATH, a path, or postgres://...)` });
}
