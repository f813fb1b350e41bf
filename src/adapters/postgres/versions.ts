import type { ModelRecord, ModelSummary, ModelVersion, NewModelVersion } from '../../ports/metadata-store.js';
import { assembleSummaries } from '../metadata-common.js';
import { upsertTags } from './tags.js';
import {
  first,
  toAliasRecord,
  toModelRecord,
  toModelVersion,
  VERSION_COLUMNS,
  versionColumns,
  type AliasRow,
  type ModelRow,
  type VersionRow,
} from './rows.js';
import { BY_CODE_POINT, type Queryable } from './session.js';

/** Models and versions. Functions run on whatever client or transaction the store hands them. */

/** Runs inside a transaction: the counter bump and the inserts commit or roll back together. */
export async function createVersion(tx: Queryable, input: NewModelVersion, at: string): Promise<ModelVersion> {
  await tx.query('INSERT INTO models (name, description, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [
    input.name,
    input.description ?? null,
    at,
  ]);
  // The UPDATE row-locks the model until commit: concurrent registers queue
  // here and each reads the counter its predecessor committed.
  const bumped = await tx.query<{ latest_version: number }>(
    'UPDATE models SET latest_version = latest_version + 1 WHERE name = $1 RETURNING latest_version',
    [input.name],
  );
  const version = first(bumped.rows).latest_version;
  const inserted = await tx.query<VersionRow>(
    `INSERT INTO model_versions (${VERSION_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14::jsonb)
     RETURNING ${VERSION_COLUMNS}`,
    [
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
    ],
  );
  await upsertTags(tx, input.name, version, Object.entries(input.tags ?? {}));
  return toModelVersion(first(inserted.rows));
}

export async function getModel(db: Queryable, name: string): Promise<ModelRecord | undefined> {
  const { rows } = await db.query<ModelRow>('SELECT * FROM models WHERE name = $1', [name]);
  return rows[0] && toModelRecord(rows[0]);
}

export async function getVersion(db: Queryable, name: string, version: number): Promise<ModelVersion | undefined> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE name = $1 AND version = $2`,
    [name, version],
  );
  return rows[0] && toModelVersion(rows[0]);
}

export async function findVersionByDigest(db: Queryable, name: string, digest: string): Promise<ModelVersion | undefined> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE name = $1 AND digest = $2`,
    [name, digest],
  );
  return rows[0] && toModelVersion(rows[0]);
}

export async function listVersions(db: Queryable, name: string): Promise<ModelVersion[]> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE name = $1 ORDER BY version`,
    [name],
  );
  return rows.map(toModelVersion);
}

/** Three reads; run them in one REPEATABLE READ transaction so they see one snapshot. */
export async function listModels(tx: Queryable): Promise<ModelSummary[]> {
  const models = await tx.query<ModelRow>(`SELECT * FROM models ORDER BY name ${BY_CODE_POINT}`);
  const latest = await tx.query<VersionRow>(
    `SELECT ${versionColumns('v')} FROM model_versions v
     JOIN models m ON m.name = v.name AND m.latest_version = v.version`,
  );
  const aliases = await tx.query<AliasRow>(
    `SELECT * FROM model_aliases ORDER BY name ${BY_CODE_POINT}, alias ${BY_CODE_POINT}`,
  );
  return assembleSummaries(
    models.rows.map(toModelRecord),
    latest.rows.map(toModelVersion),
    aliases.rows.map(toAliasRecord),
  );
}
