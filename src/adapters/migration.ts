import { MlError } from '../errors/ml-error.js';

/**
 * A schema change of a MetadataStore adapter. Each adapter keeps its ordered
 * list in `<adapter>/migrations.ts`, applied when a store opens and recorded
 * in a `schema_migrations` table. Adapters use the same ids for the same change.
 */
export interface Migration {
  /** Strictly increasing across the list; never reused. */
  readonly id: number;
  readonly name: string;
  /** DDL only (no values), so plain multi-statement SQL is safe. */
  readonly sql: string;
}

/** An older mlpatterns must not write to a database that a newer one has reshaped. */
export function assertNotNewer(applied: Iterable<number>, list: readonly Migration[]): void {
  const known = new Set(list.map((migration) => migration.id));
  const unknown = [...applied].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new MlError('STORE_UNAVAILABLE', {
      reason: `the database has migrations this mlpatterns does not know (${unknown.join(', ')}); upgrade mlpatterns`,
    });
  }
}

/** Migrations not yet applied, in order. */
export function pendingMigrations(applied: Iterable<number>, list: readonly Migration[]): Migration[] {
  const done = new Set(applied);
  return [...list].sort((a, b) => a.id - b.id).filter((migration) => !done.has(migration.id));
}
