import type { BatchProgress, BatchSummary } from './types.js';

/** One progress line: rows done/total, shards, rate and ETA. */
export function progressLine(p: BatchProgress): string {
  const total = p.rowsTotal === undefined ? '' : `/${p.rowsTotal.toLocaleString('en-US')}`;
  const percent = p.rowsTotal ? ` (${((100 * p.rowsDone) / p.rowsTotal).toFixed(1)}%)` : '';
  const shards = `${p.shardsDone}${p.shardsTotal === undefined ? '' : `/${p.shardsTotal}`} shards`;
  const eta = p.etaSeconds === undefined ? '' : ` · ETA ${duration(p.etaSeconds)}`;
  const malformed = p.malformedRows > 0 ? ` · ${p.malformedRows} malformed` : '';
  return `batch ${p.runId}: ${p.rowsDone.toLocaleString('en-US')}${total} rows${percent} · ${shards} · ${p.rowsPerSecond.toLocaleString('en-US')} rows/s${eta}${malformed}`;
}

/** The final summary: `N rows, M keys written, K malformed rows (see <file>), elapsed, rows/s`. */
export function summaryLine(s: BatchSummary): string {
  const parts = [
    `${s.rows} rows`,
    `${s.keysWritten} keys written to ${s.output}`,
    `${s.malformedRows} malformed rows (see ${s.errorFile})`,
    ...(s.failedRows > 0 ? [`${s.failedRows} rows in failed shards`] : []),
    ...(s.duplicateKeys > 0 ? [`${s.duplicateKeys} duplicate keys skipped`] : []),
    ...(s.shardsResumed > 0 ? [`${s.shardsResumed}/${s.shards} shards already done`] : []),
    `${(s.elapsedMs / 1000).toFixed(1)} s`,
    `${s.rowsPerSecond} rows/s`,
  ];
  return `batch ${s.runId} ${s.status}: ${parts.join(', ')}`;
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
