import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, startCliServer } from '../helpers/cli.js';
import { expected, FIXTURES, maxAbsDiff } from '../helpers/fixtures.js';
import { getJson, postJson } from '../helpers/server.js';
import { finished, tempDir, waitForJob, type JobBody } from './helpers.js';

/**
 * The built CLI (run `npm run build` first): `mlpatterns serve` takes jobs, a
 * separate `mlpatterns worker` process runs them from the shared SQLite queue
 * file, and `serve --workers-inline` does both in one process.
 */
const temp = tempDir();
const file = path.join(temp.dir, 'mlpatterns.yaml');
writeFileSync(
  file,
  `
storage: { stateDir: ${JSON.stringify(temp.dir)} }
models:
  - { name: svc, path: ${JSON.stringify(path.join(FIXTURES, 'iris_svc.onnx'))} }
services:
  - { name: iris, graph: { type: model, model: svc } }
queue:
  path: queue.sqlite
  concurrency: 2
  leaseMs: 2000
`,
);

const INSTANCES = expected.inputs.slice(0, 5);

/** Starts `mlpatterns worker <file>` and resolves once it says it is ready. */
function startWorker(): Promise<{ stdout: () => string; stop: (signal: NodeJS.Signals) => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'worker', file, '--log-level', 'silent']);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('mlpatterns worker ready')) {
        resolve({
          stdout: () => out,
          stop: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`worker exited early (${code}): ${err || out}`)));
  });
}

describe('mlpatterns worker', () => {
  afterAll(() => temp.remove());

  it('runs the jobs a separate server queued in the shared SQLite file, and stops cleanly on SIGTERM', async () => {
    const server = await startCliServer([file, '--port', '0', '--log-level', 'silent']);
    try {
      const early = await postJson<JobBody>(`${server.url}/v1/services/iris/jobs`, { instances: INSTANCES });
      expect(early.status).toBe(202);
      // Nobody works on the queue yet: the job waits.
      expect((await getJson<JobBody>(`${server.url}/v1/jobs/${early.body.job_id}`)).body.status).toBe('queued');

      const worker = await startWorker();
      expect(worker.stdout()).toContain('mlpatterns worker ready (concurrency 2, queue sqlite)');
      const late = await postJson<JobBody>(`${server.url}/v1/services/iris/jobs`, { instances: INSTANCES, key: 'late' });
      const sync = await postJson<{ predictions: number[][] }>(`${server.url}/v1/services/iris/predict`, { instances: INSTANCES });
      for (const id of [early.body.job_id, late.body.job_id]) {
        const job = await waitForJob(server.url, id, finished, 10_000);
        expect(job).toMatchObject({ status: 'succeeded', attempts: 1, service: 'iris' });
        const predictions = job.result?.predictions as number[][];
        expect(predictions).toEqual(sync.body.predictions);
        expect(maxAbsDiff(predictions, expected.iris_svc.slice(0, 5))).toBeLessThan(1e-5);
      }

      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(worker.stdout()).toContain('SIGTERM received');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('serve --workers-inline runs jobs in the server process', async () => {
    const server = await startCliServer([file, '--port', '0', '--log-level', 'silent', '--workers-inline']);
    try {
      const res = await postJson<JobBody>(`${server.url}/v1/services/iris/jobs`, { instances: INSTANCES.slice(0, 1) });
      const job = await waitForJob(server.url, res.body.job_id, finished, 10_000);
      expect(job).toMatchObject({ status: 'succeeded', result: { service: 'iris' } });
      expect(maxAbsDiff(job.result?.predictions as number[][], expected.iris_svc.slice(0, 1))).toBeLessThan(1e-5);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });
});
