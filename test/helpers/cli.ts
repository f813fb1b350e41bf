import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixtures.js';

export const BIN = path.join(REPO_ROOT, 'bin/mlpatterns.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI (dist/, made by `npm run build`); `env` adds to the inherited environment. */
export function startCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env } });
}

/** Runs the built CLI (dist/, made by `npm run build`) to completion. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `mlpatterns serve …` and resolves with its URL once it prints that it is serving. `env` adds to the inherited environment. */
export function startCliServer(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ url: string; child: ChildProcessWithoutNullStreams; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const env = options.env === undefined ? undefined : { ...process.env, ...options.env };
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: options.cwd ?? REPO_ROOT, ...(env ? { env } : {}) });
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /serving .* on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve({ url: match[1], child, exited });
    });
    void exited.then((code) => reject(new Error(`serve exited early (${code}): ${err || out}`)));
  });
}
