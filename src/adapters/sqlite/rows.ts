import type {
  AliasChange,
  AliasRecord,
  JsonObject,
  ModelRecord,
  ModelVersion,
} from '../../ports/metadata-store.js';

export { VERSION_COLUMNS, versionColumns } from '../metadata-common.js';

/** Rows as better-sqlite3 returns them: JSON as TEXT, timestamps as ISO TEXT. */
export interface VersionRow {
  name: string;
  version: number;
  digest: string;
  artifact_uri: string;
  runtime: string | null;
  format: string | null;
  size_bytes: number;
  created_at: string;
  source: string | null;
  params: string;
  metrics: string;
  dataset: string | null;
  description: string | null;
  manifest: string | null;
}

export interface ModelRow {
  name: string;
  description: string | null;
  created_at: string;
  latest_version: number;
}

export interface AliasRow {
  name: string;
  alias: string;
  version: number;
  updated_at: string;
}

export interface AliasHistoryRow {
  name: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  actor: string | null;
  reason: string | null;
  changed_at: string;
}

export function toModelVersion(row: VersionRow): ModelVersion {
  return {
    name: row.name,
    version: row.version,
    digest: row.digest,
    artifactUri: row.artifact_uri,
    runtime: row.runtime,
    format: row.format,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at,
    source: row.source,
    params: JSON.parse(row.params) as JsonObject,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    dataset: row.dataset,
    description: row.description,
    manifest: row.manifest === null ? null : (JSON.parse(row.manifest) as JsonObject),
  };
}

export function toModelRecord(row: ModelRow): ModelRecord {
  return { name: row.name, description: row.description, createdAt: row.created_at, latestVersion: row.latest_version };
}

export function toAliasRecord(row: AliasRow): AliasRecord {
  return { name: row.name, alias: row.alias, version: row.version, updatedAt: row.updated_at };
}

export function toAliasChange(row: AliasHistoryRow): AliasChange {
  return {
    name: row.name,
    alias: row.alias,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    actor: row.actor,
    reason: row.reason,
    changedAt: row.changed_at,
  };
}
