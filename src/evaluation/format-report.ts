import type { Evaluation } from './evaluate.js';

const num = (x: number | null | undefined, digits = 4): string => (x === undefined || x === null ? '-' : x.toFixed(digits));

/** A column after the standard ones (stored windows add when they were computed). */
export interface ExtraColumn<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
}

/** A fixed-width table, one line per model version and window; "-" where a metric has no joined rows. */
export function formatEvaluations<T extends Evaluation>(evaluations: readonly T[], extra: readonly ExtraColumn<T>[] = [], empty = 'no predictions in the period'): string {
  if (evaluations.length === 0) return `${empty}\n`;
  const header = ['MODEL', 'VERSION', 'WINDOW START', 'ROWS', 'JOINED', 'UNJOINED', 'ACCURACY', 'PRECISION', 'RECALL', 'F1', 'MAE', 'RMSE', 'MAPE', 'REWARD', ...extra.map((c) => c.header)];
  const lines = evaluations.map((e) => [
    e.model,
    e.version,
    e.window_start,
    String(e.predictions),
    String(e.joined),
    String(e.unjoined),
    num(e.classification?.accuracy),
    num(e.classification?.precision),
    num(e.classification?.recall),
    num(e.classification?.f1),
    num(e.regression?.mae),
    num(e.regression?.rmse),
    num(e.regression?.mape),
    num(e.reward?.mean),
    ...extra.map((c) => c.cell(e)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}
