import type { TrainingRunStore } from '../ports/training-run-store.js';
import { openOnMetadataDatabase } from './open-stores.js';
import { openPostgresTrainingRunStore } from './postgres/training-run-store.js';
import { openSqliteTrainingRunStore } from './sqlite/training-run-store.js';

/**
 * Opens the TrainingRunStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): training runs sit beside the registry's tables, so the
 * versions a pipeline registers and the runs that made them share one database.
 */
export function openTrainingRunStore(url: string): Promise<TrainingRunStore> {
  return openOnMetadataDatabase<TrainingRunStore>(url, { postgres: openPostgresTrainingRunStore, sqlite: openSqliteTrainingRunStore });
}
