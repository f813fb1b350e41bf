import { tagsRecord } from '../metadata-common.js';
import { assertVersion } from './checks.js';
import type { Statements } from './session.js';

/** Tags per version. */

/** Runs inside a transaction: a `null` value removes the key, a string sets it. */
export function setTags(
  q: Statements,
  name: string,
  version: number,
  tags: Readonly<Record<string, string | null>>,
): Record<string, string> {
  assertVersion(q, name, version);
  const remove = q.sql('DELETE FROM version_tags WHERE name = ? AND version = ? AND key = ?');
  const entries = Object.entries(tags);
  for (const [key, value] of entries) if (value === null) remove.run(name, version, key);
  upsertTags(q, name, version, entries.filter((entry): entry is [string, string] => entry[1] !== null));
  return getTags(q, name, version);
}

export function getTags(q: Statements, name: string, version: number): Record<string, string> {
  return tagsRecord(
    q.sql<{ key: string; value: string }>('SELECT key, value FROM version_tags WHERE name = ? AND version = ? ORDER BY key').all(
      name,
      version,
    ),
  );
}

export function upsertTags(q: Statements, name: string, version: number, tags: readonly [string, string][]): void {
  const upsert = q.sql(
    `INSERT INTO version_tags (name, version, key, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value`,
  );
  for (const [key, value] of tags) upsert.run(name, version, key, value);
}
