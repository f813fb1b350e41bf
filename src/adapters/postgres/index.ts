export {
  openPostgresMetadataStore,
  PostgresMetadataStore,
  type PostgresMetadataStoreOptions,
} from './metadata-store.js';
export { migrations } from './migrations.js';
