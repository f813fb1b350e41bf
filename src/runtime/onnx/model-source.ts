import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { MlError } from '../../errors/ml-error.js';

/** Label for models handed over as bytes, in error messages. */
export const BYTES_SOURCE = '<bytes>';

/** The model file's bytes, or INVALID_MODEL_FILE with a one-line reason. */
export async function readModelBytes(source: string | Uint8Array): Promise<Uint8Array> {
  if (typeof source !== 'string') return source;
  try {
    return await readFile(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new MlError('INVALID_MODEL_FILE', { path: source, reason }, { cause: err });
  }
}

/** A default model name for errors: the file name without extension. */
export function defaultModelName(source: string | Uint8Array): string {
  return typeof source === 'string' ? basename(source, extname(source)) : 'model';
}
