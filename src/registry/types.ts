import type { AliasChangeInfo, JsonObject, ModelVersion } from '../ports/metadata-store.js';

/**
 * What a validator learned from a model while checking it (for instance by
 * loading the package and its manifest). Fills the version's fields that
 * `register` was not given explicitly.
 */
export interface ValidatedInfo {
  readonly runtime?: string | undefined;
  /** @example "package", "onnx" */
  readonly format?: string | undefined;
  readonly manifest?: JsonObject | undefined;
  readonly description?: string | undefined;
  readonly source?: string | undefined;
  readonly params?: JsonObject | undefined;
  readonly metrics?: Readonly<Record<string, number>> | undefined;
  readonly dataset?: string | undefined;
}

/**
 * Checks a model before anything is stored. Receives the staged copy that
 * will be stored if the check passes: a private folder laid out as the
 * artifact (a bare file appears inside it under its own name). Throws to
 * refuse the model; paths of the staging folder in its error are reported
 * as the source's path.
 */
export type ModelValidator = (localDir: string) => Promise<ValidatedInfo>;

export interface RegisterOptions extends AliasChangeInfo {
  readonly name: string;
  /** A model file (e.g. `model.onnx`) or a package folder. */
  readonly path: string;
  /** Runs on the staged copy of the source before anything is visible in the stores. @default no validation */
  readonly validate?: ModelValidator | undefined;
  /** Aliases to point at the version (also when it already existed). @default [] */
  readonly alias?: readonly string[] | undefined;
  /** Tags merged into the version (also when it already existed). @default {} */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Lineage: where the model came from (pipeline run, commit, URL). */
  readonly source?: string | undefined;
  readonly params?: JsonObject | undefined;
  readonly metrics?: Readonly<Record<string, number>> | undefined;
  readonly dataset?: string | undefined;
  readonly description?: string | undefined;
  /** @default the validator's, else "onnx" for a bare .onnx file */
  readonly runtime?: string | undefined;
  /** @default the validator's */
  readonly manifest?: JsonObject | undefined;
}

export interface RegisteredVersion extends ModelVersion {
  /** `false` when the same bytes were already a version of the model (idempotent register). */
  readonly created: boolean;
}

export interface ResolvedVersion extends ModelVersion {
  /** A local folder holding the artifact (downloaded first from remote stores). */
  readonly localPath: string;
}
