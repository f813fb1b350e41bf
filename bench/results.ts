import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, arch, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { ROOT } from './paths.js';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemGiB: number;
  readonly os: string;
  readonly node: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

function git(args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The commit measured, and whether the tree had uncommitted changes (then the commit alone does not describe the code). */
export function gitState(): { commit: string | null; dirty: boolean | null } {
  const commit = git(['rev-parse', 'HEAD']) ?? null;
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === undefined ? null : status.length > 0 };
}

export function writeResults(file: string, results: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
