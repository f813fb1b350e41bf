import { MlError } from '../../errors/ml-error.js';
import type {
  AliasChange,
  AliasRecord,
  JsonObject,
  ModelRecord,
  ModelVersion,
} from '../../ports/metadata-store.js';

export { VERSION_COLUMNS, versionColumns } from '../metadata-common.js';

/** Rows as node-postgres returns them: JSONB parsed, TIMESTAMPTZ as Date, BIGINT as string. */
export interface VersionRow {
  name: string;
  version: number;
  digest: string;
  artifact_uri: string;
  runtime: string | null;
  format: string | null;
  size_bytes: string;
  created_at: Date;
  source: string | null;
  params: JsonObject;
  metrics: Record<string, number>;
  dataset: string | null;
  description: string | null;
  manifest: JsonObject | null;
}

export interface ModelRow {
  name: string;
  description: string | null;
  created_at: Date;
  latest_version: number;
}

export interface AliasRow {
  name: string;
  alias: string;
  version: number;
  updated_at: Date;
}

export interface AliasHistoryRow {
  name: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  actor: string | null;
  reason: string | null;
  changed_at: Date;
}

export function toModelVersion(row: VersionRow): ModelVersion {
  return {
    name: row.name,
    version: row.version,
    digest: row.digest,
    artifactUri: row.artifact_uri,
    runtime: row.runtime,
    format: row.format,
    sizeBytes: Number(row.size_bytes),
    createdAt: row.created_at.toISOString(),
    source: row.source,
    params: row.params,
    metrics: row.metrics,
    dataset: row.dataset,
    description: row.description,
    manifest: row.manifest,
  };
}

export function toModelRecord(row: ModelRow): ModelRecord {
  return {
    name: row.name,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    latestVersion: row.latest_version,
  };
}

export function toAliasRecord(row: AliasRow): AliasRecord {
  return { name: row.name, alias: row.alias, version: row.version, updatedAt: row.updated_at.toISOString() };
}

export function toAliasChange(row: AliasHistoryRow): AliasChange {
  return {
    name: row.name,
    alias: row.alias,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    actor: row.actor,
    reason: row.reason,
    changedAt: row.changed_at.toISOString(),
  };
}

/** The row a statement with RETURNING (or a bumped counter) must produce. */
export function first<Row>(rows: readonly Row[]): Row {
  const row = rows[0];
  if (row === undefined) throw new MlError('INTERNAL', { reason: 'a query that returns a row returned none' });
  return row;
}
