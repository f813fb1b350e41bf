import type { TrainingRun, TrainingStep } from '../../ports/training-run-store.js';
import { formatDuration, formatMetrics, STATUS_ICON, stepDuration } from './format.js';

/** `mlpatterns train runs`: one line per run, newest first. */
export function formatRunList(runs: readonly TrainingRun[]): string {
  if (runs.length === 0) return 'no training runs\n';
  const lines = runs.map((run) => {
    const took = run.finishedAt === null ? 'running' : formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
    const resumed = run.resumedFrom === null ? '' : `  resumed ${run.resumedFrom}`;
    const error = run.error === null ? '' : `  ${run.error.split('\n')[0] ?? ''}`;
    return `${run.id}  ${run.pipeline}  ${run.status.padEnd(9)}  ${run.startedAt}  ${took}${resumed}${error}`;
  });
  return `${lines.join('\n')}\n`;
}

/** `mlpatterns train show <run>`: the run, then each step with its outputs, metrics, error and log tail. */
export function formatRunDetails(run: TrainingRun, steps: readonly TrainingStep[], logLines = 10): string {
  const took = run.finishedAt === null ? 'still running' : `took ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}`;
  const lines = [
    `run ${run.id} of pipeline ${run.pipeline}: ${run.status}`,
    `  started ${run.startedAt}, ${took}, by ${run.owner}`,
  ];
  if (run.pipelineFile !== null) lines.push(`  pipeline file: ${run.pipelineFile}`);
  if (run.resumedFrom !== null) lines.push(`  resumed from: ${run.resumedFrom}`);
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  lines.push(`  params: ${params.join(' ') || '-'}`);
  if (run.error !== null) lines.push(`  error: ${run.error}`);
  lines.push('steps:');
  for (const step of steps) {
    const attempts = step.attempts > 1 ? `  ${step.attempts} attempts` : '';
    const key = step.cacheKey === null ? '' : `  key ${step.cacheKey.slice(0, 12)}${step.cacheable ? '' : ' (not cached)'}`;
    const from = step.cachedFrom === null ? '' : `  from run ${step.cachedFrom}`;
    lines.push(`  ${STATUS_ICON[step.status]} ${step.step}  ${step.status}  ${stepDuration(step)}${attempts}${key}${from}`);
    for (const [name, output] of Object.entries(step.outputs)) lines.push(`      output ${name}: ${output.key} (${output.sizeBytes} bytes)`);
    if (Object.keys(step.metrics).length > 0) lines.push(`      metrics: ${formatMetrics(step.metrics)}`);
    if (step.error !== null && step.status !== 'cancelled') lines.push(...step.error.split('\n').map((line, i) => `      ${i === 0 ? 'error: ' : ''}${line}`));
    for (const reason of step.reasons) lines.push(`      - ${reason}`);
    const tail = step.logTail.slice(-logLines);
    if (tail.length > 0) lines.push('      log:', ...tail.map((line) => `        | ${line}`));
  }
  return `${lines.join('\n')}\n`;
}
