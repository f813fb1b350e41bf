import { tagsRecord } from '../metadata-common.js';
import { lockVersion } from './checks.js';
import { BY_CODE_POINT, type Queryable } from './session.js';

/** Tags per version. */

/** Runs inside a transaction: a `null` value removes the key, a string sets it. */
export async function setTags(
  tx: Queryable,
  name: string,
  version: number,
  tags: Readonly<Record<string, string | null>>,
): Promise<Record<string, string>> {
  await lockVersion(tx, name, version);
  const entries = Object.entries(tags);
  const removed = entries.filter(([, value]) => value === null).map(([key]) => key);
  await tx.query('DELETE FROM version_tags WHERE name = $1 AND version = $2 AND key = ANY($3::text[])', [
    name,
    version,
    removed,
  ]);
  await upsertTags(tx, name, version, entries.filter((entry): entry is [string, string] => entry[1] !== null));
  return getTags(tx, name, version);
}

export async function getTags(db: Queryable, name: string, version: number): Promise<Record<string, string>> {
  const { rows } = await db.query<{ key: string; value: string }>(
    `SELECT key, value FROM version_tags WHERE name = $1 AND version = $2 ORDER BY key ${BY_CODE_POINT}`,
    [name, version],
  );
  return tagsRecord(rows);
}

/** One round trip whatever the number of tags. */
export async function upsertTags(
  tx: Queryable,
  name: string,
  version: number,
  tags: readonly [string, string][],
): Promise<void> {
  if (tags.length === 0) return;
  await tx.query(
    `INSERT INTO version_tags (name, version, key, value)
     SELECT $1, $2, key, value FROM unnest($3::text[], $4::text[]) AS t (key, value)
     ON CONFLICT (name, version, key) DO UPDATE SET value = EXCLUDED.value`,
    [name, version, tags.map(([key]) => key), tags.map(([, value]) => value)],
  );
}
