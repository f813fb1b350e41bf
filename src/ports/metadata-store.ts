/**
 * MetadataStore: the port for everything mlpatterns remembers about models
 * (and, in later issues, runs, jobs and log indexes). It declares only the
 * calls the registry uses. Adapters: SQLite (embedded default) and PostgreSQL;
 * both pass test/contract/metadata-store.contract.ts.
 *
 * Reads return `undefined` / empty lists for unknown models; writes that need
 * an existing model or version reject with MlError MODEL_NOT_FOUND or
 * VERSION_NOT_FOUND. Timestamps are ISO-8601 strings (UTC, millisecond
 * precision) so that every adapter returns the same values.
 */

/** JSON object as stored in the params / manifest columns. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** One immutable version of a model. */
export interface ModelVersion {
  readonly name: string;
  /** Sequential per model, starting at 1; never reused. */
  readonly version: number;
  /** Content hash of the artifact: `sha256:<64 hex>` (see artifact-digest.ts). */
  readonly digest: string;
  /** Where the artifact store put the bytes (e.g. `file:///...`); informative lineage. */
  readonly artifactUri: string;
  /** Runtime that serves it (`onnx`, `function`, ...), when known. */
  readonly runtime: string | null;
  /** What the artifact is: `package`, or a bare file's extension such as `onnx`. */
  readonly format: string | null;
  readonly sizeBytes: number;
  readonly createdAt: string;
  /** Lineage: where the model came from (pipeline run, git commit, path). */
  readonly source: string | null;
  readonly params: JsonObject;
  readonly metrics: Readonly<Record<string, number>>;
  readonly dataset: string | null;
  readonly description: string | null;
  /** The package manifest as validated at registration, when there is one. */
  readonly manifest: JsonObject | null;
}

/** Fields the caller supplies; the store assigns `version` and `createdAt`. */
export interface NewModelVersion {
  readonly name: string;
  readonly digest: string;
  readonly artifactUri: string;
  readonly sizeBytes: number;
  readonly runtime?: string | undefined;
  readonly format?: string | undefined;
  readonly source?: string | undefined;
  /** @default {} */
  readonly params?: JsonObject | undefined;
  /** @default {} */
  readonly metrics?: Readonly<Record<string, number>> | undefined;
  readonly dataset?: string | undefined;
  /** Also becomes the model's description when this version creates the model. */
  readonly description?: string | undefined;
  readonly manifest?: JsonObject | undefined;
  /** Tags written in the same transaction as the version. @default {} */
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

export interface ModelRecord {
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: string;
  /** Highest version number assigned so far. */
  readonly latestVersion: number;
}

export interface ModelSummary extends ModelRecord {
  readonly latest: ModelVersion;
  /** alias → version, as a null-prototype object: every alias name is an own key, nothing is inherited. */
  readonly aliases: Readonly<Record<string, number>>;
}

export interface AliasRecord {
  readonly name: string;
  readonly alias: string;
  readonly version: number;
  readonly updatedAt: string;
}

/** Who moved an alias and why; recorded in the alias history. */
export interface AliasChangeInfo {
  readonly actor?: string | undefined;
  readonly reason?: string | undefined;
}

/** One alias move, kept so that rollbacks can say "back to what it was". */
export interface AliasChange {
  readonly name: string;
  readonly alias: string;
  /** `null` when the alias was created by this change. */
  readonly fromVersion: number | null;
  /** `null` when the alias was deleted by this change. */
  readonly toVersion: number | null;
  readonly actor: string | null;
  readonly reason: string | null;
  readonly changedAt: string;
}

export interface MetadataStore {
  /**
   * Creates the model if needed and appends a version with the next number,
   * atomically: concurrent calls (also from other processes) never get the
   * same number. Rejects when the model already has a version with this
   * digest, without consuming a number.
   */
  createVersion(input: NewModelVersion): Promise<ModelVersion>;
  getModel(name: string): Promise<ModelRecord | undefined>;
  getVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  findVersionByDigest(name: string, digest: string): Promise<ModelVersion | undefined>;
  /** All models by name, each with its latest version and aliases. */
  listModels(): Promise<ModelSummary[]>;
  /** Versions of one model, oldest first; `[]` for an unknown model. */
  listVersions(name: string): Promise<ModelVersion[]>;

  /**
   * Points `alias` at `version` (creating or moving it) and records the move.
   * Setting an alias to the version it already has changes nothing.
   * Rejects with MODEL_NOT_FOUND / VERSION_NOT_FOUND.
   */
  setAlias(name: string, alias: string, version: number, change?: AliasChangeInfo): Promise<AliasRecord>;
  getAlias(name: string, alias: string): Promise<AliasRecord | undefined>;
  /** Removes the alias and records it; resolves `false` when there was none. */
  deleteAlias(name: string, alias: string, change?: AliasChangeInfo): Promise<boolean>;
  /** Aliases of one model, by alias name. */
  listAliases(name: string): Promise<AliasRecord[]>;
  /** Alias moves of one model (optionally one alias), oldest first. */
  listAliasHistory(name: string, alias?: string): Promise<AliasChange[]>;

  /**
   * Merges tags into a version: a string value sets the key, `null` removes
   * it. Resolves the version's tags afterwards. Rejects with VERSION_NOT_FOUND.
   */
  setTags(name: string, version: number, tags: Readonly<Record<string, string | null>>): Promise<Record<string, string>>;
  /** Tags of a version; `{}` for an unknown version. */
  getTags(name: string, version: number): Promise<Record<string, string>>;

  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
