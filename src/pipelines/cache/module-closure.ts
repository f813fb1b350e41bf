import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * A module and every module it reaches through relative imports (static,
 * `export … from`, side-effect, dynamic import() and require() of a relative
 * path): the code a `run:` step executes, as far as the file system shows it. Package
 * imports are left out (bump `version:` when a dependency's upgrade matters).
 * TypeScript writes `./x.js` for `./x.ts`, so `.js` specifiers fall back to
 * `.ts`; an import that resolves to nothing is skipped (it fails at run time).
 */
const IMPORT = /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
const SCRIPT = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

export async function moduleClosure(entry: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const queue = [path.resolve(entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    const bytes = await readFile(file);
    files.set(file, bytes);
    if (!SCRIPT.test(file)) continue;
    for (const match of bytes.toString('utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (specifier === undefined || !specifier.startsWith('.')) continue;
      const resolved = await resolveRelative(path.dirname(file), specifier);
      if (resolved !== undefined) queue.push(resolved);
    }
  }
  return files;
}

async function resolveRelative(dir: string, specifier: string): Promise<string | undefined> {
  const base = path.resolve(dir, specifier.split('?')[0] ?? specifier);
  const candidates = [base];
  const ext = path.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  if (ext === '.js' || ext === '.jsx') candidates.push(`${stem}.ts`, `${stem}.tsx`);
  else if (ext === '.mjs') candidates.push(`${stem}.mts`);
  else if (ext === '.cjs') candidates.push(`${stem}.cts`);
  else if (ext === '') candidates.push(...['.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.js'].map((suffix) => `${base}${suffix}`));
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
