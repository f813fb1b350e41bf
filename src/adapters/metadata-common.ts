import { MlError } from '../errors/ml-error.js';
import type { AliasRecord, ModelRecord, ModelSummary, ModelVersion } from '../ports/metadata-store.js';

/** Logic both MetadataStore adapters share, so that they cannot drift apart. */

/** Joins the three reads behind `listModels` (models, their latest versions, all aliases). */
export function assembleSummaries(
  models: readonly ModelRecord[],
  latestVersions: readonly ModelVersion[],
  aliases: readonly AliasRecord[],
): ModelSummary[] {
  const latestByName = new Map(latestVersions.map((version) => [version.name, version]));
  // Alias names are data, not code: null-prototype maps keep one named "__proto__" or
  // "constructor" (which the registry refuses, but a store may hold) as an ordinary key.
  const aliasesByName = new Map<string, Record<string, number>>();
  for (const alias of aliases) {
    const forModel = aliasesByName.get(alias.name) ?? (Object.create(null) as Record<string, number>);
    forModel[alias.alias] = alias.version;
    aliasesByName.set(alias.name, forModel);
  }
  return models.flatMap((model) => {
    const latest = latestByName.get(model.name);
    // A model row is only ever created together with its first version.
    if (latest === undefined) return [];
    return [{ ...model, latest, aliases: aliasesByName.get(model.name) ?? (Object.create(null) as Record<string, number>) }];
  });
}

export function duplicateDigestError(name: string, digest: string, cause: unknown): MlError {
  return new MlError(
    'INVALID_REQUEST',
    { reason: `model "${name}" already has a version with digest ${digest}` },
    { cause },
  );
}

export function tagsRecord(rows: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

/** The model_versions columns, in the order both adapters' VersionRow declares them. */
const VERSION_COLUMN_NAMES = [
  'name', 'version', 'digest', 'artifact_uri', 'runtime', 'format', 'size_bytes',
  'created_at', 'source', 'params', 'metrics', 'dataset', 'description', 'manifest',
] as const;

/** The model_versions columns, optionally qualified by a table alias. */
export function versionColumns(table?: string): string {
  return VERSION_COLUMN_NAMES.map((column) => (table === undefined ? column : `${table}.${column}`)).join(', ');
}

export const VERSION_COLUMNS = versionColumns();
