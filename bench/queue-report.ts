import type { BatchMeasurement, QueueMeasurement } from './measurements.js';
import type { TableRow } from './report.js';

const blank = { p50Ms: null, p99Ms: null };
const rate = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Table rows of the issue-5 steps: jobs/s in the req/s column; a batch step gives its raw and batch figures. */
export function queueRows(base: Pick<TableRow, 'id' | 'scenario' | 'concurrency'>, m: QueueMeasurement | BatchMeasurement): TableRow[] {
  if (m.kind === 'queue') {
    const rounds = m.roundsJobsPerS.length > 1 ? `; rounds ${m.roundsJobsPerS.map(rate).join(' / ')} jobs/s` : '';
    return [
      {
        ...base,
        ...blank,
        reqPerS: m.jobsPerS,
        rowsPerS: m.jobsPerS,
        errors: m.failed,
        note: `req/s = jobs/s, first submit → last completion; ${rate(m.jobs)} jobs per round, submitted in ${m.submitS.toFixed(2)} s${rounds}`,
      },
    ];
  }
  const raw: TableRow = {
    ...base,
    ...blank,
    id: `${base.id}-raw`,
    scenario: `raw onnxruntime, tiny model, ${rate(m.rows)} rows in runs of ${m.shardSize}`,
    concurrency: 'in-process',
    reqPerS: null,
    rowsPerS: m.rawRowsPerS,
    errors: 0,
    note: `median of ${m.raw.length} runs (${m.raw.map((r) => rate(r.rowsPerS)).join(' / ')} rows/s), before and after the batch run`,
  };
  if (m.batch === null) {
    return [raw, { ...base, ...blank, reqPerS: null, rowsPerS: null, errors: null, note: `batch runner not available: ${m.batchUnavailable ?? ''}` }];
  }
  const b = m.batch;
  const batch: TableRow = {
    ...base,
    ...blank,
    scenario: `${base.scenario.replace(/ vs raw onnxruntime$/, '')}, ${rate(m.rows)} rows`,
    reqPerS: null,
    rowsPerS: b.rows / b.elapsedS,
    errors: b.failedRows + b.malformedRows,
    note: `${b.status}: ${rate(b.keysWritten)} keys written, ${b.shards} shards in ${b.elapsedS.toFixed(2)} s (runBatch's own figure ${rate(b.summaryRowsPerS)} rows/s)`,
  };
  return [batch, raw];
}
