import path from 'node:path';
import type { TrainingRun, TrainingStep } from '../../ports/training-run-store.js';
import { formatDuration, formatMetrics, STATUS_ICON, stepDuration } from './format.js';

export interface SummaryOptions {
  /** How the user named the pipeline file, for the resume hint. */
  readonly pipelineArg?: string | undefined;
}

/**
 * The end-of-run report: every step with its status, time and metrics, the
 * error or the gate's reasons, the run id, and how to resume a run that did
 * not succeed.
 */
export function formatSummary(run: TrainingRun, steps: readonly TrainingStep[], options: SummaryOptions = {}): string {
  const took = run.finishedAt === null ? '' : ` in ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}`;
  const lines = [`pipeline ${run.pipeline} · run ${run.id} · ${run.status}${took}${run.resumedFrom === null ? '' : ` (resumed ${run.resumedFrom})`}`];
  const width = Math.max(...steps.map((s) => s.step.length), 4);
  for (const step of steps) {
    const detail = [
      step.status === 'cached' ? `from run ${step.cachedFrom ?? '?'}` : stepDuration(step),
      step.attempts > 1 ? `${step.attempts} attempts` : '',
      formatMetrics(step.metrics),
    ].filter((part) => part !== '' && part !== '-');
    lines.push(`  ${STATUS_ICON[step.status]} ${step.step.padEnd(width)}  ${step.status.padEnd(9)}  ${detail.join('  ')}`.trimEnd());
    if (step.status === 'failed' && step.error !== null) lines.push(...indent(step.error, 6));
    if (step.status === 'rejected') {
      if (step.error !== null) lines.push(...indent(step.error, 6));
      for (const reason of step.reasons) lines.push(`      - ${reason}`);
    }
  }
  const cached = steps.filter((s) => s.status === 'cached').length;
  if (cached > 0) lines.push(`${cached} of ${steps.length} steps reused from cache`);
  if (run.status === 'failed' || run.status === 'cancelled') {
    const file = options.pipelineArg ?? (run.pipelineFile === null ? '<pipeline.yaml>' : path.relative(process.cwd(), run.pipelineFile) || run.pipelineFile);
    lines.push(`resume with: mlpatterns train ${file} --resume ${run.id}`);
  }
  return `${lines.join('\n')}\n`;
}

function indent(text: string, spaces: number): string[] {
  return text.split('\n').map((line) => `${' '.repeat(spaces)}${line}`);
}
