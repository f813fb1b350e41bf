import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { REPO_ROOT } from '../../helpers/fixtures.js';

export const FIXTURES = path.join(REPO_ROOT, 'test/pipelines/fixtures');

const dirs: string[] = [];

/** A fresh temporary folder, removed after the file's tests. */
export async function tempDir(prefix = 'mlp-pipeline-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/**
 * A copy of a fixture pipeline that a test may edit (a code file, a data file),
 * with a package.json that makes its .ts modules ESM as in the repo.
 */
export async function copyFixture(name: string): Promise<string> {
  const dir = path.join(await tempDir(), name);
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
