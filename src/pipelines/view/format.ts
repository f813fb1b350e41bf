import type { TrainingStep, TrainingStepStatus } from '../../ports/training-run-store.js';

/** One glyph per step status, the same in the live list, the line log and the summary. */
export const STATUS_ICON: Readonly<Record<TrainingStepStatus, string>> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  cached: '↺',
  failed: '✗',
  rejected: '⊘',
  skipped: '-',
  cancelled: '■',
};

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** `name=value …`, numbers shown with up to 4 significant decimals. */
export function formatMetrics(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .map(([name, value]) => `${name}=${formatNumber(value)}`)
    .join(' ');
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(5)));
}

/** How long a recorded step took, `-` when it never ran. */
export function stepDuration(step: TrainingStep): string {
  if (step.startedAt === null || step.finishedAt === null) return '-';
  return formatDuration(Date.parse(step.finishedAt) - Date.parse(step.startedAt));
}

/** Cuts a line to the terminal's width, so a redraw counts lines right. */
export function fit(line: string, width: number | undefined): string {
  if (width === undefined || width <= 1 || [...line].length < width) return line;
  return `${[...line].slice(0, width - 2).join('')}…`;
}
