import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN } from '../../helpers/cli.js';
import { REPO_ROOT } from '../../helpers/fixtures.js';

export interface TrainCliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts the built CLI (dist/, made by `npm run build`, as test/helpers/cli.ts
 * does): the production path, where step modules run from dist's child entry.
 */
export function startTrainCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env } });
}

/** Runs the built CLI to completion. */
export function runTrainCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TrainCliResult> {
  return new Promise((resolve, reject) => {
    const child = startTrainCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
