import { measured, type Outcomes } from './measurements.js';
import { QUEUE_STEP_IDS as IDS } from './queue-step-ids.js';
import { NA, ratio, type TargetResult } from './target-result.js';

/** A ratio far below 1 keeps its digits (0.0031×, not 0.00×). */
const smallRatio = (x: number): string => (x >= 0.1 ? ratio(x) : `${x.toPrecision(2)}×`);

/** Issue 5's figures: the embedded queue's jobs/s, a batch run against raw onnxruntime, BullMQ reported. */
export const QUEUE_TARGETS = {
  sqlite: ['queue-sqlite-jobs', 'embedded SQLite queue: tiny-model jobs submitted and completed ≥ 2,000 jobs/s (2 cores)'],
  batch: ['batch-vs-raw', 'batch of 1,000,000 rows, tiny model: rows/s ≥ 0.5 × raw onnxruntime at the shard size'],
  http: ['queue-http-jobs', 'job API over HTTP, server with --workers-inline (SQLite): tiny-model jobs/s (informational, no target)'],
  bullmq: ['queue-bullmq-jobs', 'BullMQ on Redis, 2 worker processes: tiny-model jobs/s (reported, no target)'],
} as const;

export const SQLITE_JOBS_PER_S = 2000;
export const BATCH_VS_RAW = 0.5;

/** The steps each target reads, for the disturbance flag. */
export const QUEUE_READS: Readonly<Record<string, readonly string[]>> = {
  [QUEUE_TARGETS.sqlite[0]]: [IDS.sqlite],
  [QUEUE_TARGETS.batch[0]]: [IDS.batch],
  [QUEUE_TARGETS.http[0]]: [IDS.http],
  [QUEUE_TARGETS.bullmq[0]]: [IDS.bullmq],
};

const perS = (x: number, unit: string): string => `${Math.round(x).toLocaleString('en-US')} ${unit}/s`;

/** Why a step's figure is missing: did not run, skipped (SKIPPED with its reason) or failed. */
function missing(outcomes: Outcomes, id: string, target: string, step: string): TargetResult {
  const outcome = outcomes.get(step);
  if (outcome?.status === 'skipped') return { id, target, measured: 'skipped', value: null, pass: null, skipped: true, note: outcome.reason };
  if (outcome === undefined) return NA(id, target, `needs step ${step}`);
  return NA(id, target, `${step} ${outcome.status}${outcome.status === 'ok' ? ' with another kind of figure' : `: ${outcome.reason.split('\n')[0] ?? ''}`}`);
}

function jobsTarget([id, target]: readonly [string, string], outcomes: Outcomes, step: string, limit: number | null): TargetResult {
  const m = measured(outcomes, step, 'queue');
  if (m === undefined) return missing(outcomes, id, target, step);
  const value = m.jobsPerS;
  const workers = m.adapter === 'http' ? `the server's inline worker × concurrency ${m.concurrencyPerWorker}` : `${m.workerProcesses} worker process${m.workerProcesses > 1 ? 'es' : ''} × concurrency ${m.concurrencyPerWorker}`;
  const shape = `${m.jobs.toLocaleString('en-US')} jobs from ${m.submitters} ${m.adapter === 'http' ? 'HTTP clients' : 'submit loops'}, ${workers}`;
  // Jobs that failed or never ran were not "completed": the rate would count work not done.
  const lost = m.jobs - m.succeeded;
  if (lost > 0) return { id, target, measured: perS(value, 'jobs'), value, pass: limit === null ? null : false, note: `${lost} of ${m.jobs} jobs did not succeed (${m.failed} failed); ${shape}` };
  if (limit === null) return { id, target, measured: perS(value, 'jobs'), value, pass: null, reported: true, note: shape };
  return { id, target, measured: perS(value, 'jobs'), value, pass: value >= limit, note: shape };
}

function batchTarget(outcomes: Outcomes): TargetResult {
  const [id, target] = QUEUE_TARGETS.batch;
  const m = measured(outcomes, IDS.batch, 'batch');
  if (m === undefined) return missing(outcomes, id, target, IDS.batch);
  const raw = `raw ${perS(m.rawRowsPerS, 'rows')}`;
  const rows = m.rows === 1_000_000 ? '' : `; ${m.rows.toLocaleString('en-US')} rows in this mode, not 1,000,000`;
  if (m.batch === null) return { ...NA(id, target, `batch runner not available (${m.batchUnavailable ?? 'unknown reason'}); ${raw}${rows}`), measured: 'n/a (batch runner not available)' };
  const b = m.batch;
  const batchPerS = b.rows / b.elapsedS;
  const value = batchPerS / m.rawRowsPerS;
  const note = `batch ${perS(batchPerS, 'rows')} vs ${raw}${rows}`;
  // Every row must have been predicted and written: a fast run that dropped rows proves nothing.
  if (b.status !== 'succeeded' || b.keysWritten !== m.rows) {
    return { id, target, measured: smallRatio(value), value, pass: false, note: `batch ${b.status}, ${b.keysWritten} of ${m.rows} keys written; ${note}` };
  }
  return { id, target, measured: smallRatio(value), value, pass: value >= BATCH_VS_RAW, note };
}

export function queueTargets(outcomes: Outcomes): TargetResult[] {
  return [
    jobsTarget(QUEUE_TARGETS.sqlite, outcomes, IDS.sqlite, SQLITE_JOBS_PER_S),
    jobsTarget(QUEUE_TARGETS.http, outcomes, IDS.http, null),
    batchTarget(outcomes),
    jobsTarget(QUEUE_TARGETS.bullmq, outcomes, IDS.bullmq, null),
  ];
}
