import type { ScheduleStore } from '../ports/schedule-store.js';
import { openOnMetadataDatabase } from './open-stores.js';
import { openPostgresScheduleStore } from './postgres/schedule-store.js';
import { openSqliteScheduleStore } from './sqlite/schedule-store.js';

/**
 * Opens the ScheduleStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): schedule runs sit beside the registry's tables, so
 * schedulers that share a metadata store share their locks.
 */
export function openScheduleStore(url: string): Promise<ScheduleStore> {
  return openOnMetadataDatabase<ScheduleStore>(url, { postgres: openPostgresScheduleStore, sqlite: openSqliteScheduleStore });
}
