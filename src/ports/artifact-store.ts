/**
 * ArtifactStore: the port for model bytes. An artifact is always a folder of
 * files stored under a key (`segment/segment`, each segment made of letters,
 * digits, ".", "_" and "-", not starting with "."). A bare file is stored as a
 * folder holding that one file under its own name, so every consumer sees the
 * same shape. Adapters: local filesystem (default); S3-compatible later. All
 * pass test/contract/artifact-store.contract.ts.
 *
 * Keys are write-once: the registry keys artifacts by content hash, so a key
 * that already exists already holds the same bytes.
 */
export interface ArtifactStore {
  /**
   * Copies a local file or folder to `key`. Atomic: readers see either no
   * artifact or the complete one, never a partial copy, even when the copy
   * fails half-way or several puts race. Resolves `true` when this call
   * stored the artifact, `false` when the key already held one (which is kept).
   */
  put(key: string, sourcePath: string): Promise<boolean>;
  /**
   * A local directory holding the artifact, downloading it first for remote
   * stores. Rejects with STORE_UNAVAILABLE when the key holds no artifact.
   */
  localPath(key: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  /** Removes the artifact; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A URI naming where the key lives (`file:///...`, `s3://...`), for lineage. */
  uri(key: string): string;
  /**
   * A private, empty local folder for the caller to fill with an artifact's
   * files, then `commit` under a key, ideally by moving rather than copying
   * (the filesystem adapter stages inside its root, so the commit is a rename).
   * Optional: without it, callers stage in a temporary folder and `put` it.
   */
  stage?(): Promise<StagedArtifact>;
}

/** A folder being prepared as an artifact; see `ArtifactStore.stage`. */
export interface StagedArtifact {
  /** The staging folder: it exists, is empty when handed out, and nobody else reads or writes it. */
  readonly path: string;
  /**
   * Stores the folder's files under `key`, as `put` would (atomic; `false`
   * when the key already held an artifact, which is kept). The folder may be
   * consumed: after a commit, only `discard` may be called.
   */
  commit(key: string): Promise<boolean>;
  /** Removes whatever is left of the staging folder. Always call it, committed or not; calling it twice is fine. */
  discard(): Promise<void>;
}
