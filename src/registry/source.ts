import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { MlError } from '../errors/ml-error.js';

/** A model file or package folder about to be registered. */
export interface ModelSource {
  readonly path: string;
  readonly isFile: boolean;
  /** `package` for a folder, the extension of a bare file (`onnx`), else `file`. */
  readonly format: string;
}

export async function inspectSource(path: string): Promise<ModelSource> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch((err: unknown) => {
    throw invalidSource(absolute, err);
  });
  if (info.isDirectory()) return { path: absolute, isFile: false, format: 'package' };
  if (!info.isFile()) throw invalidSource(absolute, 'not a file or folder');
  return { path: absolute, isFile: true, format: extname(absolute).slice(1).toLowerCase() || 'file' };
}

export function invalidSource(path: string, reason: unknown): MlError {
  if (reason instanceof MlError) return reason;
  const text = reason instanceof Error ? reason.message : String(reason);
  return new MlError('INVALID_MODEL_FILE', { path, reason: text }, reason instanceof Error ? { cause: reason } : {});
}

/** A failure of the artifact store (not of the model): STORE_UNAVAILABLE, 503. */
export function storeFailure(err: unknown): MlError {
  if (err instanceof MlError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new MlError('STORE_UNAVAILABLE', { reason: `cannot store the artifact: ${reason}` }, { cause: err });
}
