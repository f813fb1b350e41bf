import type { ModelRecord, ModelSummary, ModelVersion, NewModelVersion } from '../../ports/metadata-store.js';
import { assembleSummaries } from '../metadata-common.js';
import {
  toAliasRecord,
  toModelRecord,
  toModelVersion,
  VERSION_COLUMNS,
  versionColumns,
  type AliasRow,
  type ModelRow,
  type VersionRow,
} from './rows.js';
import type { Statements } from './session.js';
import { upsertTags } from './tags.js';

/** Models and versions. Writes run inside the transaction the store opens. */

export function createVersion(q: Statements, input: NewModelVersion, at: string): ModelVersion {
  q.sql('INSERT INTO models (name, description, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(
    input.name,
    input.description ?? null,
    at,
  );
  const { latest_version: version } = q.one<{ latest_version: number }>(
    'UPDATE models SET latest_version = latest_version + 1 WHERE name = ? RETURNING latest_version',
    input.name,
  );
  const row = q.one<VersionRow>(
    `INSERT INTO model_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     RETURNING ${VERSION_COLUMNS}`,
    input.name,
    version,
    input.digest,
    input.artifactUri,
    input.runtime ?? null,
    input.format ?? null,
    input.sizeBytes,
    at,
    input.source ?? null,
    JSON.stringify(input.params ?? {}),
    JSON.stringify(input.metrics ?? {}),
    input.dataset ?? null,
    input.description ?? null,
    input.manifest === undefined ? null : JSON.stringify(input.manifest),
  );
  upsertTags(q, input.name, version, Object.entries(input.tags ?? {}));
  return toModelVersion(row);
}

export function getModel(q: Statements, name: string): ModelRecord | undefined {
  const row = q.sql<ModelRow>('SELECT * FROM models WHERE name = ?').get(name);
  return row && toModelRecord(row);
}

export function getVersion(q: Statements, name: string, version: number): ModelVersion | undefined {
  const row = q
    .sql<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions WHERE name = ? AND version = ?`)
    .get(name, version);
  return row && toModelVersion(row);
}

export function findVersionByDigest(q: Statements, name: string, digest: string): ModelVersion | undefined {
  const row = q
    .sql<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions WHERE name = ? AND digest = ?`)
    .get(name, digest);
  return row && toModelVersion(row);
}

export function listVersions(q: Statements, name: string): ModelVersion[] {
  return q
    .sql<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions WHERE name = ? ORDER BY version`)
    .all(name)
    .map(toModelVersion);
}

/** Three reads; run them in one transaction so they see one snapshot. */
export function listModels(q: Statements): ModelSummary[] {
  const models = q.sql<ModelRow>('SELECT * FROM models ORDER BY name').all();
  const latest = q
    .sql<VersionRow>(
      `SELECT ${versionColumns('v')} FROM model_versions v
       JOIN models m ON m.name = v.name AND m.latest_version = v.version`,
    )
    .all();
  const aliases = q.sql<AliasRow>('SELECT * FROM model_aliases ORDER BY name, alias').all();
  return assembleSummaries(models.map(toModelRecord), latest.map(toModelVersion), aliases.map(toAliasRecord));
}
