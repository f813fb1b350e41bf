export {
  DEFAULT_SQLITE_PATH,
  openSqliteMetadataStore,
  SqliteMetadataStore,
  type SqliteMetadataStoreOptions,
} from './metadata-store.js';
export { migrations } from './migrations.js';
