import path from 'node:path';
import type { ScheduleBatch, ScheduleEntry, ScheduleTrain } from './schema.js';

/** A schedule's files resolved against the config file's folder (its batch job's, or its training pipeline). */
export function resolveSchedulePaths(entry: ScheduleEntry, base: string): ScheduleEntry {
  return {
    ...entry,
    ...(entry.batch !== undefined ? { batch: resolveBatchPaths(entry.batch, base) } : {}),
    ...(entry.train !== undefined ? { train: resolveTrainPaths(entry.train, base) } : {}),
  };
}

export function resolveTrainPaths(train: ScheduleTrain, base: string): ScheduleTrain {
  return { ...train, pipeline: path.resolve(base, train.pipeline) };
}

/**
 * Files a schedule names are relative to the config file, like models' paths,
 * so a scheduler started from any folder reads the same files. URLs
 * (`postgres://…`) are left alone; `sqlite:<path>?table=T` has its path resolved.
 */
export function resolveBatchPaths(batch: ScheduleBatch, base: string): ScheduleBatch {
  return {
    ...batch,
    input: resolveLocation(batch.input, base),
    ...(batch.output !== undefined ? { output: resolveLocation(batch.output, base) } : {}),
    ...(batch.model !== undefined && looksLikePath(batch.model) ? { model: path.resolve(base, batch.model) } : {}),
  };
}

function resolveLocation(location: string, base: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(location)) return location;
  if (location.startsWith('sqlite:')) {
    const rest = location.slice('sqlite:'.length);
    const q = rest.indexOf('?');
    const file = q >= 0 ? rest.slice(0, q) : rest;
    return `sqlite:${path.resolve(base, file)}${q >= 0 ? rest.slice(q) : ''}`;
  }
  return path.resolve(base, location);
}

/** Registry references (`iris`, `iris@prod`, `iris:3`) have no slash and no .onnx ending. */
function looksLikePath(model: string): boolean {
  return model.includes('/') || model.includes(path.sep) || model.endsWith('.onnx');
}
