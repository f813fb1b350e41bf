/**
 * Reads the server's own batching figures from GET /metrics (Prometheus text),
 * so that the report shows whether batching actually happened: a flag that is
 * accepted but not applied would otherwise look like "batching does not help".
 */

export interface BatchCounters {
  /** Rows run, summed over executions (mlpatterns_batch_size_sum). */
  readonly rows: number;
  /** Executions (mlpatterns_batch_size_count). */
  readonly executions: number;
}

function sample(text: string, metric: string, model: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) || !line.includes(`model="${model}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

/** The batch counters of one model; undefined when /metrics is not there or has no such series (no batcher). */
export async function batchCounters(url: string, model: string): Promise<BatchCounters | undefined> {
  try {
    const res = await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const rows = sample(text, 'mlpatterns_batch_size_sum', model);
    const executions = sample(text, 'mlpatterns_batch_size_count', model);
    return rows === undefined || executions === undefined ? undefined : { rows, executions };
  } catch {
    return undefined;
  }
}

/** Mean rows per execution between two readings; null when unknown or nothing ran. */
export function meanBatchRows(before: BatchCounters | undefined, after: BatchCounters | undefined): number | null {
  if (after === undefined) return null;
  const executions = after.executions - (before?.executions ?? 0);
  return executions > 0 ? (after.rows - (before?.rows ?? 0)) / executions : null;
}
