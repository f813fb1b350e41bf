import type { ExperimentsReport } from './run-report.js';
import type { ShadowReport } from './shadow-report.js';
import type { SplitReport } from './split-report.js';

const num = (x: number | null | undefined, digits = 4): string => (x === undefined || x === null ? '-' : x.toFixed(digits));
const ms = (x: number | null): string => (x === null ? '-' : x.toFixed(2));

function table(header: readonly string[], lines: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

function formatShadow(r: ShadowReport): string[] {
  const head = `shadow at ${r.node === '' ? '(root)' : r.node}: ${r.requests} requests served by the primary (${r.primary_errors} errors), primary latency p50 ${ms(r.primary_latency_ms.p50)} ms, p95 ${ms(r.primary_latency_ms.p95)} ms`;
  const lines = r.candidates.map((c) => [
    c.name,
    String(c.mirrored),
    String(c.errors),
    String(c.compared),
    num(c.agreement_rate),
    num(c.mean_abs_diff),
    `${ms(c.primary_latency_ms.p50)} / ${ms(c.primary_latency_ms.p95)}`,
    `${ms(c.latency_ms.p50)} / ${ms(c.latency_ms.p95)}`,
  ]);
  return [head, ...table(['CANDIDATE', 'MIRRORED', 'ERRORS', 'COMPARED', 'AGREEMENT', 'MEAN_ABS_DIFF', 'PRIMARY P50/P95 MS', 'CANDIDATE P50/P95 MS'], lines).map((l) => `  ${l}`)];
}

function formatSplit(r: SplitReport): string[] {
  const head = `split at ${r.node === '' ? '(root)' : r.node}: ${r.requests} requests, control "${r.control}"`;
  const lines = r.variants.map((v) => [v.name, String(v.weight), String(v.requests), String(v.errors), String(v.feedback), `${v.success.successes}/${v.success.trials}`, num(v.success.rate), num(v.reward.mean), num(v.value.mean)]);
  const out = [head, ...table(['VARIANT', 'WEIGHT', 'REQUESTS', 'ERRORS', 'FEEDBACK', 'SUCCESSES', 'SUCCESS_RATE', 'MEAN_REWARD', 'MEAN_VALUE'], lines).map((l) => `  ${l}`)];
  if (r.comparisons.length === 0) out.push('  no comparison yet: each variant needs feedback (a label or reward for the rate, two rewards or values for a mean)');
  for (const c of r.comparisons) {
    const v = c.verdict;
    const outcome = v.significant ? `significant, winner "${v.winner === 'b' ? c.variant : r.control}"` : 'not significant';
    out.push(
      `  ${c.variant} vs ${r.control}, ${c.metric} (${c.test}): difference ${num(v.difference)} [${num(v.confidenceInterval[0])}, ${num(v.confidenceInterval[1])}], p = ${num(v.pValue)}, ${outcome}; ${v.samplesNeeded} samples per variant needed`,
    );
    if (v.warning) out.push(`    warning: ${v.warning}`);
  }
  return out;
}

/** The report as text: one block per experiment node. */
export function formatExperimentsReport(report: ExperimentsReport): string {
  const blocks = report.experiments.map((e) => (e.type === 'shadow' ? formatShadow(e) : formatSplit(e)).join('\n'));
  return `service ${report.service}, ${report.since} to ${report.until}\n${blocks.join('\n')}\n`;
}
