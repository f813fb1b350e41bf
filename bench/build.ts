import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** Newest modification time of the files under dir, 0 when it does not exist. */
function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

export interface BuildOutcome {
  readonly built: boolean;
  readonly ms: number;
}

/**
 * The servers run from dist/ (the built CLI, as deployed), so a stale dist/
 * would benchmark old code: rebuild whenever any file of src/ is newer than
 * the CLI entry tsc last wrote.
 */
export function ensureBuilt(force: boolean): BuildOutcome {
  const entry = join(ROOT, 'dist', 'cli', 'main.js');
  let builtAt = 0;
  try {
    builtAt = statSync(entry).mtimeMs;
  } catch {
    builtAt = 0;
  }
  if (!force && builtAt > 0 && newestMtime(join(ROOT, 'src')) <= builtAt) return { built: false, ms: 0 };
  const started = performance.now();
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`npm run build failed (exit ${String(result.status)}):\n${result.stdout}${result.stderr}`);
  }
  return { built: true, ms: performance.now() - started };
}
