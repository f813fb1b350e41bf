import { describe, expect, it } from 'vitest';
import type { BatchMeasurement, Outcome, QueueMeasurement } from '../../bench/measurements.js';
import type { BatchRunResult } from '../../bench/queue-protocol.js';
import { queueTargets } from '../../bench/queue-targets.js';
import { evaluateTargets } from '../../bench/targets.js';
import { targetsTable } from '../../bench/report.js';

function queue(adapter: QueueMeasurement['adapter'], jobsPerS: number, over: Partial<QueueMeasurement> = {}): Outcome {
  const jobs = 20_000;
  const measurement: QueueMeasurement = {
    kind: 'queue',
    adapter,
    jobs,
    submitters: 32,
    workerProcesses: adapter === 'bullmq' ? 2 : 1,
    concurrencyPerWorker: 16,
    elapsedS: jobs / jobsPerS,
    submitS: 1,
    jobsPerS,
    succeeded: jobs,
    failed: 0,
    roundsJobsPerS: [jobsPerS],
    ...over,
  };
  return { status: 'ok', measurement, foreignCpuCores: 0 };
}

function batchRun(rows: number, rowsPerS: number, over: Partial<BatchRunResult> = {}): BatchRunResult {
  return { kind: 'batch', status: 'succeeded', rows, keysWritten: rows, failedRows: 0, malformedRows: 0, shards: rows / 1000, elapsedS: rows / rowsPerS, summaryRowsPerS: rowsPerS, ...over };
}

function batch(rawRowsPerS: number, run: BatchRunResult | null, rows = 1_000_000, foreignCpuCores = 0): Outcome {
  const measurement: BatchMeasurement = {
    kind: 'batch',
    rows,
    shardSize: 1000,
    input: 'csv',
    output: 'jsonl',
    raw: [],
    rawRowsPerS,
    batch: run,
    ...(run === null ? { batchUnavailable: 'Cannot find module src/batch/run-batch.ts' } : {}),
  };
  return { status: 'ok', measurement, foreignCpuCores };
}

const target = (outcomes: Map<string, Outcome>, id: string) => queueTargets(outcomes).find((t) => t.id === id);

describe('queue and batch targets (issue 5)', () => {
  it('passes the embedded queue at 2,000 jobs/s and fails it below', () => {
    expect(target(new Map([['queue-sqlite', queue('sqlite', 2000)]]), 'queue-sqlite-jobs')).toMatchObject({ pass: true, measured: '2,000 jobs/s' });
    expect(target(new Map([['queue-sqlite', queue('sqlite', 1999)]]), 'queue-sqlite-jobs')?.pass).toBe(false);
  });

  it('fails a fast queue whose jobs did not all succeed', () => {
    const lossy = new Map([['queue-sqlite', queue('sqlite', 9000, { succeeded: 19_990, failed: 10 })]]);
    const verdict = target(lossy, 'queue-sqlite-jobs');
    expect(verdict?.pass).toBe(false);
    expect(verdict?.note).toContain('10 of 20000 jobs did not succeed');
  });

  it('compares the batch run with raw onnxruntime at 0.5 and keeps small ratios readable', () => {
    expect(target(new Map([['queue-batch', batch(1_000_000, batchRun(1_000_000, 500_000))]]), 'batch-vs-raw')).toMatchObject({ pass: true, value: 0.5 });
    const slow = target(new Map([['queue-batch', batch(20_000_000, batchRun(1_000_000, 70_000))]]), 'batch-vs-raw');
    expect(slow).toMatchObject({ pass: false, measured: '0.0035×' });
    expect(slow?.note).toContain('batch 70,000 rows/s vs raw 20,000,000 rows/s');
  });

  it('fails a batch run that did not write every key, however fast', () => {
    const partial = batch(1_000_000, batchRun(1_000_000, 900_000, { status: 'failed', keysWritten: 999_000, failedRows: 1000 }));
    const verdict = target(new Map([['queue-batch', partial]]), 'batch-vs-raw');
    expect(verdict?.pass).toBe(false);
    expect(verdict?.note).toContain('999000 of 1000000 keys written');
  });

  it('says when the mode ran fewer rows than the scenario names', () => {
    const quick = target(new Map([['queue-batch', batch(1_000_000, batchRun(100_000, 600_000), 100_000)]]), 'batch-vs-raw');
    expect(quick?.note).toContain('100,000 rows in this mode, not 1,000,000');
  });

  it('marks the batch target n/a, with the raw figure, when the batch runner is not there', () => {
    const verdict = target(new Map([['queue-batch', batch(20_000_000, null)]]), 'batch-vs-raw');
    expect(verdict).toMatchObject({ pass: null, value: null, measured: 'n/a (batch runner not available)' });
    expect(verdict?.note).toContain('raw 20,000,000 rows/s');
  });

  it('reports BullMQ and the job API without a verdict, and a skipped Redis step as SKIPPED', () => {
    const ran = new Map([
      ['queue-bullmq', queue('bullmq', 5000)],
      ['queue-http', queue('http', 600)],
    ]);
    expect(target(ran, 'queue-bullmq-jobs')).toMatchObject({ pass: null, reported: true, value: 5000 });
    expect(target(ran, 'queue-http-jobs')).toMatchObject({ pass: null, reported: true, value: 600 });
    const skipped = new Map<string, Outcome>([['queue-bullmq', { status: 'skipped', reason: 'Redis is not reachable at 127.0.0.1:6379 (ECONNREFUSED)' }]]);
    expect(target(skipped, 'queue-bullmq-jobs')).toMatchObject({ pass: null, skipped: true, measured: 'skipped' });
    expect(targetsTable(queueTargets(skipped))).toContain('| SKIPPED |');
    expect(targetsTable(queueTargets(ran))).toContain('| reported |');
  });

  it('is n/a with the reason when a step failed or did not run', () => {
    const failed = new Map<string, Outcome>([['queue-sqlite', { status: 'failed', reason: 'only 10 of 20000 jobs finished within 100 s\nstack' }]]);
    expect(target(failed, 'queue-sqlite-jobs')).toMatchObject({ pass: null, note: 'queue-sqlite failed: only 10 of 20000 jobs finished within 100 s' });
    expect(target(new Map(), 'batch-vs-raw')).toMatchObject({ pass: null, note: 'needs step queue-batch' });
  });

  it('flags a verdict taken while other processes used the cores', () => {
    const busy = new Map([['queue-batch', batch(1_000_000, batchRun(1_000_000, 600_000), 1_000_000, 1.2)]]);
    expect(evaluateTargets(busy).find((t) => t.id === 'batch-vs-raw')).toMatchObject({ pass: true, disturbedBy: 1.2 });
  });
});
