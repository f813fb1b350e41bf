import { MlError } from '../errors/ml-error.js';
import type { BanditStore } from '../ports/bandit-store.js';
import { pathAfterScheme, schemeOf, splitSchema } from './open-stores.js';
import { openPostgresBanditStore } from './postgres/bandit-store.js';
import { DEFAULT_SQLITE_PATH } from './sqlite/index.js';
import { openSqliteBanditStore } from './sqlite/bandit-store.js';

/**
 * Opens the BanditStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): servers that share a metadata store share their bandits.
 */
export async function openBanditStore(url: string): Promise<BanditStore> {
  const scheme = schemeOf(url);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { connectionString, schema } = splitSchema(url);
    return openPostgresBanditStore(schema === undefined ? { connectionString } : { connectionString, schema });
  }
  if (scheme === 'sqlite') return openSqliteBanditStore({ path: pathAfterScheme(url, 'sqlite') || DEFAULT_SQLITE_PATH });
  if (scheme === undefined) return openSqliteBanditStore({ path: url || DEFAULT_SQLITE_PATH });
  throw new MlError('STORE_UNAVAILABLE', { reason: `unsupported metadata store URL scheme "${scheme}:" (use sqlite:PATH, a path, or postgres://...)` });
}
