import type { PipelineEvent } from '../runner/events.js';
import { formatDuration, formatMetrics, STATUS_ICON, stepDuration } from './format.js';
import type { ProgressView } from './progress-view.js';

/**
 * One line per event, for logs and CI (not a TTY): starts, retries, ends, log
 * lines, and progress when it moves by a tenth or its message changes.
 */
export function lineView(out: NodeJS.WritableStream, now: () => number = Date.now): ProgressView {
  const started = now();
  const lastProgress = new Map<string, { bucket: number; message: string | undefined }>();
  const write = (text: string): void => {
    out.write(`[${formatDuration(now() - started).padStart(6)}] ${text}\n`);
  };
  return {
    onEvent(event: PipelineEvent): void {
      switch (event.type) {
        case 'run-started':
          write(`run ${event.run.id} of ${event.run.pipeline}: ${event.steps.length} steps${event.run.resumedFrom === null ? '' : `, resuming ${event.run.resumedFrom}`}`);
          break;
        case 'step-started':
          write(`${event.step}: started${event.maxAttempts > 1 ? ` (attempt ${event.attempt}/${event.maxAttempts})` : ''}`);
          break;
        case 'step-progress': {
          const bucket = event.fraction === undefined ? -1 : Math.floor(event.fraction * 10);
          const last = lastProgress.get(event.step);
          if (last !== undefined && last.bucket === bucket && last.message === event.message) break;
          lastProgress.set(event.step, { bucket, message: event.message });
          const pct = event.fraction === undefined ? '' : `${Math.round(event.fraction * 100)}%`;
          write(`${event.step}: ${[pct, event.message ?? ''].filter(Boolean).join(' ')}`);
          break;
        }
        case 'step-log':
          write(`${event.step} | ${event.line}`);
          break;
        case 'step-retry':
          write(`${event.step}: attempt ${event.attempt} failed, retrying in ${formatDuration(event.delayMs)}: ${event.error.split('\n')[0] ?? ''}`);
          break;
        case 'step-finished': {
          const r = event.record;
          const detail = r.status === 'cached' ? `from run ${r.cachedFrom ?? '?'}` : r.status === 'skipped' ? '' : stepDuration(r);
          write(`${STATUS_ICON[r.status]} ${r.step}: ${r.status}${detail === '' || detail === '-' ? '' : ` ${detail}`}${Object.keys(r.metrics).length > 0 ? `  ${formatMetrics(r.metrics)}` : ''}`);
          break;
        }
        case 'step-metric':
        case 'run-finished':
          break;
      }
    },
    close(): void {},
  };
}
