import { MlError } from '../errors/ml-error.js';
import type { TrainingRunStore } from '../ports/training-run-store.js';
import { pathAfterScheme, schemeOf, splitSchema } from './open-stores.js';
import { openPostgresTrainingRunStore } from './postgres/training-run-store.js';
import { DEFAULT_SQLITE_PATH } from './sqlite/index.js';
import { openSqliteTrainingRunStore } from './sqlite/training-run-store.js';

/**
 * Opens the TrainingRunStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): training runs sit beside the registry's tables, so the
 * versions a pipeline registers and the runs that made them share one database.
 */
export async function openTrainingRunStore(url: string): Promise<TrainingRunStore> {
  const scheme = schemeOf(url);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { connectionString, schema } = splitSchema(url);
    return openPostgresTrainingRunStore(schema === undefined ? { connectionString } : { connectionString, schema });
  }
  if (scheme === 'sqlite') return openSqliteTrainingRunStore({ path: pathAfterScheme(url, 'sqlite') || DEFAULT_SQLITE_PATH });
  if (scheme === undefined) return openSqliteTrainingRunStore({ path: url || DEFAULT_SQLITE_PATH });
  throw new MlError('STORE_UNAVAILABLE', { reason: `unsupported metadata store URL scheme "${scheme}:" (use sqlite:PATH, a path, or postgres://...)` });
}
