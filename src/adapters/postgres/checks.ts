import { MlError } from '../../errors/ml-error.js';
import type { Queryable } from './session.js';

/**
 * Row locks that serialise writes per model: alias moves and tag merges
 * lock the model row, as createVersion's counter bump does.
 */

/** Locks the model row until commit; resolves `false` when there is no such model. */
export async function lockModel(tx: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await tx.query('SELECT 1 FROM models WHERE name = $1 FOR UPDATE', [name]);
  return rowCount !== 0;
}

/** Locks the model and checks the version exists: MODEL_NOT_FOUND / VERSION_NOT_FOUND. */
export async function lockVersion(tx: Queryable, name: string, version: number): Promise<void> {
  if (!(await lockModel(tx, name))) throw new MlError('MODEL_NOT_FOUND', { name });
  const { rowCount } = await tx.query('SELECT 1 FROM model_versions WHERE name = $1 AND version = $2', [name, version]);
  if (rowCount === 0) throw new MlError('VERSION_NOT_FOUND', { name, version });
}
