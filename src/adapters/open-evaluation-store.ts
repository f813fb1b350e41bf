import path from 'node:path';
import { MlError } from '../errors/ml-error.js';
import type { EvaluationStore } from '../ports/evaluation-store.js';
import { pathAfterScheme, schemeOf, splitSchema } from './open-stores.js';
import { openPostgresEvaluationStore } from './postgres/evaluation-store.js';
import { DEFAULT_SQLITE_PATH } from './sqlite/index.js';
import { openSqliteEvaluationStore } from './sqlite/evaluation-store.js';

/**
 * Opens the EvaluationStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): the evaluation timeline sits beside the registry's
 * tables, so the versions it scores and their scores share one database.
 */
export async function openEvaluationStore(url: string): Promise<EvaluationStore> {
  const scheme = schemeOf(url);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { connectionString, schema } = splitSchema(url);
    return openPostgresEvaluationStore(schema === undefined ? { connectionString } : { connectionString, schema });
  }
  if (scheme === 'sqlite') return openSqliteEvaluationStore({ path: pathAfterScheme(url, 'sqlite') || DEFAULT_SQLITE_PATH });
  if (scheme === undefined) return openSqliteEvaluationStore({ path: url || DEFAULT_SQLITE_PATH });
  throw new MlError('STORE_UNAVAILABLE', { reason: `unsupported metadata store URL scheme "${scheme}:" (use sqlite:PATH, a path, or postgres://...)` });
}

/** The metadata store URL of a config's storage (its default is `<stateDir>/mlpatterns.db`). */
export function metadataUrlOf(storage: { readonly stateDir: string; readonly metadata?: string | undefined }): string {
  return storage.metadata ?? path.join(storage.stateDir, 'mlpatterns.db');
}
