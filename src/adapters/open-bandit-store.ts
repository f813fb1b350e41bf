import type { BanditStore } from '../ports/bandit-store.js';
import { openOnMetadataDatabase } from './open-stores.js';
import { openPostgresBanditStore } from './postgres/bandit-store.js';
import { openSqliteBanditStore } from './sqlite/bandit-store.js';

/**
 * Opens the BanditStore where the metadata store is (the same URL forms as
 * `openMetadataStore`): servers that share a metadata store share their bandits.
 */
export function openBanditStore(url: string): Promise<BanditStore> {
  return openOnMetadataDatabase<BanditStore>(url, { postgres: openPostgresBanditStore, sqlite: openSqliteBanditStore });
}
