/**
 * The informational job-API figure: tiny-model jobs submitted over HTTP
 * (`POST /v1/services/{name}/jobs`) to a server that also runs them
 * (`--workers-inline`, SQLite queue), as a client sees it: from its first
 * submission until the queue reports every job finished.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { StepSkipped, type QueueMeasurement } from './measurements.js';
import { IRIS_ROW } from './payloads.js';
import { IRIS_PACKAGE } from './paths.js';
import { QUEUE_STEP_IDS } from './queue-step-ids.js';
import { startServer, stopServer, supportedServeFlags } from './server.js';
import type { Step } from './steps.js';

const SERVICE = 'iris-svc';
/** The job API's queue name (src/jobs/job-worker.ts DEFAULT_JOB_QUEUE). */
const JOB_QUEUE = 'default';
const SUBMITTERS = 32;
const CONCURRENCY = 16;
const POLL_MS = 20;

function writeConfig(dir: string, queueFile: string): string {
  const file = join(dir, 'jobs.yaml');
  const lines = [
    '# Written by bench/queue-http.ts for the job API scenario.',
    'models:',
    `  - { name: iris, path: ${JSON.stringify(IRIS_PACKAGE)} }`,
    'services:',
    `  - { name: ${SERVICE}, graph: { type: model, model: iris } }`,
    'queue:',
    '  store: sqlite',
    `  path: ${JSON.stringify(queueFile)}`,
    `  concurrency: ${CONCURRENCY}`,
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

async function submitAll(url: string, jobs: number): Promise<number> {
  const body = JSON.stringify({ instances: [[...IRIS_ROW]] });
  const target = new URL(`/v1/services/${SERVICE}/jobs`, url);
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < jobs) {
      next++;
      const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.text();
      if (res.status !== 202) throw new Error(`POST ${target.pathname} answered ${res.status}: ${text.slice(0, 300)}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: SUBMITTERS }, loop));
  return (performance.now() - t0) / 1000;
}

export function httpJobsStep(): Step {
  return {
    id: QUEUE_STEP_IDS.http,
    title: 'queue: job API over HTTP (POST /v1/services/{name}/jobs), server with --workers-inline, SQLite queue',
    concurrency: `${SUBMITTERS} clients, inline worker ×${CONCURRENCY}`,
    estimateS: (s) => s.queueJobs / 2 / 1000 + 3,
    run: async (ctx): Promise<QueueMeasurement> => {
      if (!supportedServeFlags().has('--workers-inline')) throw new StepSkipped('the built CLI lacks serve --workers-inline (npm run build)');
      const jobs = Math.round(ctx.settings.queueJobs / 2);
      const dir = mkdtempSync(join(tmpdir(), 'mlpatterns-bench-jobs-'));
      const queueFile = join(dir, 'queue.sqlite');
      const server = await startServer({ label: 'job API', model: '', name: '', config: writeConfig(dir, queueFile), flags: ['--workers-inline'] }, join(dir, 'state'));
      // The bench reads the server's queue file only to see the jobs finish (counts: one cheap query).
      const queue = new SqliteJobQueue({ path: queueFile });
      try {
        const t0 = performance.now();
        const submitS = await submitAll(server.url, jobs);
        const until = t0 + Math.max(30_000, jobs * 5);
        let counts = await queue.counts(JOB_QUEUE);
        while (counts.succeeded + counts.failed < jobs) {
          if (performance.now() > until) throw new Error(`only ${counts.succeeded + counts.failed} of ${jobs} jobs finished in time (${JSON.stringify(counts)})`);
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          counts = await queue.counts(JOB_QUEUE);
        }
        const elapsedS = (performance.now() - t0) / 1000;
        return {
          kind: 'queue',
          adapter: 'http',
          jobs,
          submitters: SUBMITTERS,
          workerProcesses: 1,
          concurrencyPerWorker: CONCURRENCY,
          elapsedS,
          submitS,
          jobsPerS: jobs / elapsedS,
          succeeded: counts.succeeded,
          failed: counts.failed,
          roundsJobsPerS: [jobs / elapsedS],
        };
      } finally {
        await queue.close();
        await stopServer(server);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
