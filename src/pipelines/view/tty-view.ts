import type { PipelineEvent } from '../runner/events.js';
import { fit, formatDuration, formatMetrics, STATUS_ICON, stepDuration } from './format.js';
import { LiveState, type LiveStep } from './live-state.js';
import type { ProgressView } from './progress-view.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const LOG_LINES = 4;
const REDRAW_MS = 100;

/**
 * The live step list on a terminal: one line per step (status, name, progress,
 * message, time, attempt or cache source) and the latest log lines under it,
 * redrawn in place. Lines are cut to the terminal's width so the redraw knows
 * how many rows to go back.
 */
export function ttyView(out: NodeJS.WriteStream, now: () => number = Date.now): ProgressView {
  const state = new LiveState(now);
  let drawn = 0;
  let frame = 0;
  let dirty = false;
  let closed = false;
  const draw = (): void => {
    if (closed) return;
    const width = out.columns;
    const names = [...state.steps.values()];
    const nameWidth = Math.max(4, ...names.map((s) => s.name.length));
    const lines = names.map((step) => fit(stepLine(step, nameWidth, frame, now()), width));
    for (const { step, line } of state.logs.slice(-LOG_LINES)) lines.push(`\x1b[2m${fit(`    ${step} | ${line}`, width)}\x1b[0m`);
    out.write(`${drawn > 0 ? `\x1b[${drawn}F` : ''}\x1b[J${lines.join('\n')}\n`);
    drawn = lines.length;
    dirty = false;
  };
  const timer = setInterval(() => {
    frame++;
    if (dirty || [...state.steps.values()].some((s) => s.status === 'running')) draw();
  }, REDRAW_MS);
  timer.unref();
  return {
    onEvent(event: PipelineEvent): void {
      state.apply(event);
      dirty = true;
      if (event.type === 'run-started' || event.type === 'step-finished') draw();
    },
    /** Erases the live list: the summary printed next stands in its place. Safe to call twice. */
    close(): void {
      clearInterval(timer);
      if (drawn > 0) out.write(`\x1b[${drawn}F\x1b[J`);
      drawn = 0;
      closed = true;
    },
  };
}

function stepLine(step: LiveStep, nameWidth: number, frame: number, now: number): string {
  const name = step.name.padEnd(nameWidth);
  if (step.record !== undefined) {
    const r = step.record;
    const detail = r.status === 'cached' ? `from run ${r.cachedFrom ?? '?'}` : r.status === 'skipped' || r.status === 'pending' ? '' : stepDuration(r);
    return `  ${STATUS_ICON[r.status]} ${name}  ${r.status.padEnd(9)} ${detail}  ${formatMetrics(r.metrics)}`.trimEnd();
  }
  if (step.status !== 'running') return `  ${STATUS_ICON[step.status]} ${name}  ${step.status}`;
  const icon = SPINNER[frame % SPINNER.length] ?? '▶';
  const pct = step.fraction === undefined ? '' : `${String(Math.round(step.fraction * 100)).padStart(3)}%`;
  const elapsed = step.startedAt === undefined ? '' : formatDuration(now - step.startedAt);
  const attempt = step.maxAttempts > 1 ? `attempt ${step.attempt}/${step.maxAttempts}` : '';
  const waiting = step.retryAt !== undefined && step.retryAt > now ? `retry in ${formatDuration(step.retryAt - now)}` : '';
  return `  ${icon} ${name}  ${[pct, elapsed, attempt, waiting, step.message ?? ''].filter(Boolean).join('  ')}`;
}
