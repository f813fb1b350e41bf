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
 * Checks a model before anything is stored. Receives a local folder laid out
 * as the stored artifact will be (a bare file appears inside a folder under
 * its own name); throws to refuse the model.
 */
export type ModelValidator = (localDir: string) => Promise<ValidatedInfo>;

export interface RegisterOptions extends AliasChangeInfo {
  readonly name: string;
  /** A model file (e.g. `model.onnx`) or a package folder. */
  readonly path: string;
  /** Runs on the source before anything is written. @default no validation */
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
