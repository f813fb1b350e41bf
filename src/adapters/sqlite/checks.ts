import { MlError } from '../../errors/ml-error.js';
import type { Statements } from './session.js';

/**
 * Existence checks for writes. No row locks are needed: every write runs in
 * an IMMEDIATE transaction, which already holds the database's write lock.
 */
export function assertVersion(q: Statements, name: string, version: number): void {
  if (q.sql('SELECT 1 FROM models WHERE name = ?').get(name) === undefined) {
    throw new MlError('MODEL_NOT_FOUND', { name });
  }
  if (q.sql('SELECT 1 FROM model_versions WHERE name = ? AND version = ?').get(name, version) === undefined) {
    throw new MlError('VERSION_NOT_FOUND', { name, version });
  }
}
