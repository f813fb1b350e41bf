import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { model, service } from '../../src/services/builders.js';
import { getJson } from '../helpers/server.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const SUM = path.join(FIXTURES, 'sum-model'); // features [-1,-1] -> row sums [-1]
export const COUNTING = path.join(FIXTURES, 'counting-model'); // row sums, counts rows in globalThis.__mlpRows
export const GATED = path.join(FIXTURES, 'gated-model'); // x [-1,1] -> 2x, waits on globalThis.__mlpGate
export const FAILING = path.join(FIXTURES, 'failing-model'); // x [-1,1], always throws

export const g = globalThis as { __mlpGate?: Promise<void>; __mlpEntered?: () => void; __mlpRows?: number };

export const MODELS: ConfigInput['models'] = [
  { name: 'sum', path: SUM },
  { name: 'counting', path: COUNTING },
  { name: 'gated', path: GATED },
  { name: 'failing', path: FAILING },
];

export const SERVICES: ConfigInput['services'] = [
  service('sums', model('sum')),
  service('counted', model('counting')),
  service('held', model('gated')),
  service('broken', model('failing')),
];

export interface JobBody {
  job_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  service?: string;
  key?: string;
  request_id?: string;
  attempts: number;
  max_attempts: number;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  callback_url?: string;
  code?: string;
}

/** A folder removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-jobs-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real server on an ephemeral port whose job queue is a SQLite file in `dir`. */
export function startJobServer(dir: string, options: { inline: boolean; queue?: ConfigInput['queue'] }): Promise<RunningServer> {
  const config = resolveConfig({
    server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
    storage: { stateDir: dir },
    models: MODELS,
    services: SERVICES,
    queue: { path: path.join(dir, 'queue.sqlite'), backoffMs: 10, leaseMs: 5000, ...options.queue },
  });
  return startServer(config, { logger: false, workersInline: options.inline });
}

/** Polls GET /v1/jobs/{id} until `done(job)`, failing the test past the deadline. */
export async function waitForJob(url: string, id: string, done: (job: JobBody) => boolean, deadlineMs = 5000): Promise<JobBody> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const res = await getJson<JobBody>(`${url}/v1/jobs/${id}`);
    expect(res.status).toBe(200);
    if (done(res.body)) return res.body;
    if (Date.now() > until) throw new Error(`job ${id} still ${res.body.status} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const finished = (job: JobBody): boolean => job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';

export async function deleteJson<T = JobBody>(url: string): Promise<{ status: number; body: T }> {
  const res = await request(url, { method: 'DELETE' });
  return { status: res.statusCode, body: (await res.body.json()) as T };
}
