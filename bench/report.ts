import { FOREIGN_CPU_NOTICE } from './cpu-usage.js';
import type { ClosedMeasurement, Outcomes } from './measurements.js';
import { queueRows } from './queue-report.js';
import type { Step } from './steps.js';
import type { TargetResult } from './targets.js';

/** One line of the results table; the same shape goes into latest.json. */
export interface TableRow {
  readonly id: string;
  readonly scenario: string;
  readonly concurrency: string;
  readonly reqPerS: number | null;
  readonly rowsPerS: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Requests not answered with 2xx (non-2xx + network errors). */
  readonly errors: number | null;
  readonly note?: string;
}

const blank = { reqPerS: null, rowsPerS: null, p50Ms: null, p99Ms: null, errors: null };
const toMs = (us: number): number => us / 1000;

function closedRow(base: Pick<TableRow, 'id' | 'scenario' | 'concurrency'>, m: ClosedMeasurement): TableRow {
  const r = m.result;
  return {
    ...base,
    reqPerS: r.reqPerS,
    rowsPerS: r.reqPerS * m.rowsPerRequest,
    p50Ms: toMs(r.ok.p50Us),
    p99Ms: toMs(r.ok.p99Us),
    errors: r.non2xx + r.networkErrors,
    ...(m.meanBatchRows !== null ? { note: `server: ${m.meanBatchRows.toFixed(1)} rows per execution` } : {}),
    ...(m.cache !== undefined ? { note: `server cache: ${m.cache.hit} hits, ${m.cache.miss} misses, ${m.cache.error} errors` } : {}),
  };
}

/** Rows for each step: one, or several for the raw throughput sweep and the overload run. */
export function tableRows(steps: readonly Step[], outcomes: Outcomes): TableRow[] {
  const rows: TableRow[] = [];
  for (const step of steps) {
    const base = { id: step.id, scenario: step.title, concurrency: step.concurrency };
    const outcome = outcomes.get(step.id);
    if (outcome === undefined) continue;
    if (outcome.status !== 'ok') {
      rows.push({ ...base, ...blank, note: `${outcome.status}: ${outcome.reason.split('\n')[0] ?? ''}` });
      continue;
    }
    const m = outcome.measurement;
    const first = rows.length;
    switch (m.kind) {
      case 'closed':
        rows.push(closedRow(base, m));
        break;
      case 'group':
        for (const x of m.members) {
          const slices = `median of ${x.sliceP50sUs.length} interleaved slices (p50 ${Math.min(...x.sliceP50sUs)}–${Math.max(...x.sliceP50sUs)} µs)`;
          const row = closedRow({ ...base, id: x.id, scenario: x.title }, x.measurement);
          rows.push({ ...row, note: [slices, row.note].filter(Boolean).join('; ') });
        }
        break;
      case 'raw-latency':
        rows.push({
          ...base,
          reqPerS: 1e6 / m.result.medianUs,
          rowsPerS: 1e6 / m.result.medianUs,
          p50Ms: toMs(m.result.medianUs),
          p99Ms: toMs(m.result.p99Us),
          errors: 0,
          note: `${m.result.runs} runs; req/s = 1 / median`,
        });
        break;
      case 'raw-throughput':
        for (const p of m.result.points) {
          const best = p === m.result.best ? ' (best)' : '';
          rows.push({
            ...base,
            id: `${step.id}-b${p.batchSize}`,
            scenario: `raw onnxruntime, wide MLP, batch ${p.batchSize}${best}`,
            reqPerS: p.rowsPerS / p.batchSize,
            rowsPerS: p.rowsPerS,
            p50Ms: toMs(p.medianRunUs),
            p99Ms: null,
            errors: 0,
            note: 'req/s = runs/s; p50 = one run',
          });
        }
        break;
      case 'queue':
      case 'batch':
        rows.push(...queueRows(base, m));
        break;
      case 'overload': {
        const r = m.result;
        const x = (perS: number): string => `${(perS / m.capacityReqPerS).toFixed(1)}×`;
        // What was due against what reached the server: they differ when every socket was held.
        const offered = `${m.connections} sockets: ${Math.round(r.scheduledPerS)} req/s due (${x(r.scheduledPerS)} capacity), ${Math.round(r.sentPerS)} sent (${x(r.sentPerS)})`;
        const rate = (n: number): number => n / Math.max(r.answeredS, 1e-9);
        // Latencies from the write to the socket (as for the capacity run); from-due ones in the note.
        rows.push({
          ...base,
          scenario: `${step.title}: accepted (2xx)`,
          concurrency: offered,
          reqPerS: rate(r.accepted.count),
          rowsPerS: rate(r.accepted.count),
          p50Ms: toMs(r.accepted.p50Us),
          p99Ms: toMs(r.accepted.p99Us),
          errors: r.other.count + r.networkErrors + r.unanswered,
          note: `p99 from due ${toMs(r.acceptedFromDue.p99Us).toFixed(2)} ms; mean ${Math.round(r.meanOutstanding)} on the wire; ${r.unsent} due with every socket busy (not sent)`,
        });
        rows.push({
          ...base,
          id: `${step.id}-rejected`,
          scenario: `${step.title}: rejected (503)`,
          concurrency: offered,
          reqPerS: rate(r.rejected.count),
          rowsPerS: 0,
          p50Ms: toMs(r.rejected.p50Us),
          p99Ms: toMs(r.rejected.p99Us),
          errors: null,
          note: `${r.rejectedWellFormed}/${r.rejected.count} with OVERLOADED + Retry-After; p99 from due ${toMs(r.rejectedFromDue.p99Us).toFixed(2)} ms`,
        });
        break;
      }
    }
    const foreign = outcome.foreignCpuCores;
    if (foreign !== null && foreign >= FOREIGN_CPU_NOTICE) {
      for (let i = first; i < rows.length; i++) {
        const r = rows[i];
        if (r !== undefined) rows[i] = { ...r, note: [r.note, `other processes used ${foreign.toFixed(2)} cores`].filter(Boolean).join('; ') };
      }
    }
  }
  return rows;
}

/** The most CPU other processes used during any step, for the report's header. */
export function worstForeignCpu(outcomes: Outcomes): number | null {
  let worst: number | null = null;
  for (const o of outcomes.values()) {
    if (o.status === 'ok' && o.foreignCpuCores !== null) worst = Math.max(worst ?? 0, o.foreignCpuCores);
  }
  return worst;
}

function fmt(value: number | null, digits: number): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return digits === 0 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
}

export function markdownTable(rows: readonly TableRow[]): string {
  const lines = [
    '| scenario | concurrency | req/s | rows/s | p50 (ms) | p99 (ms) | errors | note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.scenario} | ${r.concurrency} | ${fmt(r.reqPerS, 0)} | ${fmt(r.rowsPerS, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.errors, 0)} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

export function targetsTable(targets: readonly TargetResult[]): string {
  const lines = ['| target | measured | result | detail |', '|---|---:|---|---|'];
  for (const t of targets) {
    const disturbed = t.disturbedBy === undefined ? '' : ` (unreliable: others used ${t.disturbedBy.toFixed(2)} cores)`;
    const verdict = (t.pass === null ? (t.skipped === true ? 'SKIPPED' : t.reported === true ? 'reported' : 'n/a') : t.pass ? 'PASS' : 'FAIL') + disturbed;
    lines.push(`| ${t.target} | ${t.measured} | ${verdict} | ${t.note ?? ''} |`);
  }
  return lines.join('\n');
}
