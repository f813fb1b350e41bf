export { DEFAULT_ARTIFACT_ROOT, FsArtifactStore, type FsArtifactStoreOptions } from './artifact-store.js';
