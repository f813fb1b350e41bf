import type { AliasChange, AliasChangeInfo, AliasRecord } from '../../ports/metadata-store.js';
import { assertVersion } from './checks.js';
import { toAliasChange, toAliasRecord, type AliasHistoryRow, type AliasRow } from './rows.js';
import type { Statements } from './session.js';

/** Aliases and their history. Writes run inside the transaction the store opens. */

export function setAlias(
  q: Statements,
  name: string,
  alias: string,
  version: number,
  change: AliasChangeInfo,
  at: string,
): AliasRecord {
  assertVersion(q, name, version);
  const current = q.sql<AliasRow>('SELECT * FROM model_aliases WHERE name = ? AND alias = ?').get(name, alias);
  if (current?.version === version) return toAliasRecord(current);
  q.sql(
    `INSERT INTO model_aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
  ).run(name, alias, version, at);
  recordAliasChange(q, { name, alias, from: current?.version ?? null, to: version, change, at });
  return { name, alias, version, updatedAt: at };
}

export function deleteAlias(q: Statements, name: string, alias: string, change: AliasChangeInfo, at: string): boolean {
  const removed = q
    .sql<{ version: number }>('DELETE FROM model_aliases WHERE name = ? AND alias = ? RETURNING version')
    .get(name, alias);
  if (removed === undefined) return false;
  recordAliasChange(q, { name, alias, from: removed.version, to: null, change, at });
  return true;
}

export function getAlias(q: Statements, name: string, alias: string): AliasRecord | undefined {
  const row = q.sql<AliasRow>('SELECT * FROM model_aliases WHERE name = ? AND alias = ?').get(name, alias);
  return row && toAliasRecord(row);
}

export function listAliases(q: Statements, name: string): AliasRecord[] {
  return q.sql<AliasRow>('SELECT * FROM model_aliases WHERE name = ? ORDER BY alias').all(name).map(toAliasRecord);
}

export function listAliasHistory(q: Statements, name: string, alias?: string): AliasChange[] {
  return q
    .sql<AliasHistoryRow>('SELECT * FROM alias_history WHERE name = ? AND (? IS NULL OR alias = ?) ORDER BY id')
    .all(name, alias ?? null, alias ?? null)
    .map(toAliasChange);
}

interface AliasMove {
  readonly name: string;
  readonly alias: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly change: AliasChangeInfo;
  readonly at: string;
}

function recordAliasChange(q: Statements, move: AliasMove): void {
  q.sql(
    `INSERT INTO alias_history (name, alias, from_version, to_version, actor, reason, changed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(move.name, move.alias, move.from, move.to, move.change.actor ?? null, move.change.reason ?? null, move.at);
}
