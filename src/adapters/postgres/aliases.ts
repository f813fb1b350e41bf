import type { AliasChange, AliasChangeInfo, AliasRecord } from '../../ports/metadata-store.js';
import { lockModel, lockVersion } from './checks.js';
import { toAliasChange, toAliasRecord, type AliasHistoryRow, type AliasRow } from './rows.js';
import { BY_CODE_POINT, type Queryable } from './session.js';

/** Aliases and their history. Writes run inside a transaction the store opens. */

export async function setAlias(
  tx: Queryable,
  name: string,
  alias: string,
  version: number,
  change: AliasChangeInfo,
  at: string,
): Promise<AliasRecord> {
  // Locking the model serialises alias moves, so each history entry's "from" is exact.
  await lockVersion(tx, name, version);
  const { rows } = await tx.query<AliasRow>('SELECT * FROM model_aliases WHERE name = $1 AND alias = $2', [name, alias]);
  const current = rows[0];
  if (current?.version === version) return toAliasRecord(current);
  await tx.query(
    `INSERT INTO model_aliases (name, alias, version, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    [name, alias, version, at],
  );
  await recordAliasChange(tx, { name, alias, from: current?.version ?? null, to: version, change, at });
  return { name, alias, version, updatedAt: at };
}

export async function deleteAlias(
  tx: Queryable,
  name: string,
  alias: string,
  change: AliasChangeInfo,
  at: string,
): Promise<boolean> {
  if (!(await lockModel(tx, name))) return false;
  const { rows } = await tx.query<{ version: number }>(
    'DELETE FROM model_aliases WHERE name = $1 AND alias = $2 RETURNING version',
    [name, alias],
  );
  const removed = rows[0];
  if (removed === undefined) return false;
  await recordAliasChange(tx, { name, alias, from: removed.version, to: null, change, at });
  return true;
}

export async function getAlias(db: Queryable, name: string, alias: string): Promise<AliasRecord | undefined> {
  const { rows } = await db.query<AliasRow>('SELECT * FROM model_aliases WHERE name = $1 AND alias = $2', [name, alias]);
  return rows[0] && toAliasRecord(rows[0]);
}

export async function listAliases(db: Queryable, name: string): Promise<AliasRecord[]> {
  const { rows } = await db.query<AliasRow>(
    `SELECT * FROM model_aliases WHERE name = $1 ORDER BY alias ${BY_CODE_POINT}`,
    [name],
  );
  return rows.map(toAliasRecord);
}

export async function listAliasHistory(db: Queryable, name: string, alias?: string): Promise<AliasChange[]> {
  const { rows } = await db.query<AliasHistoryRow>(
    'SELECT * FROM alias_history WHERE name = $1 AND ($2::text IS NULL OR alias = $2) ORDER BY id',
    [name, alias ?? null],
  );
  return rows.map(toAliasChange);
}

interface AliasMove {
  readonly name: string;
  readonly alias: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly change: AliasChangeInfo;
  readonly at: string;
}

async function recordAliasChange(tx: Queryable, move: AliasMove): Promise<void> {
  await tx.query(
    `INSERT INTO alias_history (name, alias, from_version, to_version, actor, reason, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [move.name, move.alias, move.from, move.to, move.change.actor ?? null, move.change.reason ?? null, move.at],
  );
}
