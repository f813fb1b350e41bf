import path from 'node:path';

/**
 * Resolves a path a manifest names (the model, a labels file, a module step)
 * against the package folder, or returns undefined when it leaves the folder
 * (`..` segments, an absolute path elsewhere) or names the folder itself.
 * Keeping references inside keeps a package self-contained, and stops a
 * manifest from pulling arbitrary files of the host into a model.
 *
 * The check is on the path as written: a symbolic link inside the package is
 * followed like any file (the registry stores what it points at).
 */
export function resolveInsidePackage(dir: string, file: string): string | undefined {
  const root = path.resolve(dir);
  const resolved = path.resolve(root, file);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return resolved;
}
