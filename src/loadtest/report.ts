import type { LatencySummary } from './histogram.js';
import type { LoadPlan } from './options.js';
import type { LoadResult } from './run-load.js';

export interface LatencyMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** What `mlpatterns loadtest --json` prints. */
export interface LoadtestReport {
  url: string;
  method: string;
  connections: number;
  timeoutMs: number;
  durationS: number;
  requests: {
    sent: number;
    answered: number;
    ok: number;
    failed: number;
    waitedForConnection: number;
  };
  rate: { targetPerS: number; achievedPerS: number; throughputPerS: number };
  /** 2xx answers / requests sent (errors and timeouts count as failures). */
  successRatio: number;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** From scheduled send time to the end of the answer, answered requests only; milliseconds with µs resolution. */
  latencyMs: LatencyMs;
  stoppedEarly: boolean;
}

export interface Thresholds {
  failUnder?: number;
  p99UnderMs?: number;
}

const ms = (us: number): number => us / 1000;

function latencyMs(s: LatencySummary): LatencyMs {
  return { min: ms(s.minUs), mean: ms(s.meanUs), p50: ms(s.p50Us), p90: ms(s.p90Us), p95: ms(s.p95Us), p99: ms(s.p99Us), max: ms(s.maxUs) };
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

export function buildReport(plan: LoadPlan, result: LoadResult): LoadtestReport {
  return {
    url: plan.url.href,
    method: plan.method,
    connections: plan.connections,
    timeoutMs: plan.timeoutMs,
    durationS: round(result.sendingS, 3),
    requests: {
      sent: result.sent,
      answered: result.answered,
      ok: result.ok,
      failed: result.sent - result.ok,
      waitedForConnection: result.waitedForConnection,
    },
    rate: {
      targetPerS: plan.ratePerS,
      achievedPerS: round(result.sent / result.sendingS, 2),
      throughputPerS: round(result.answered / Math.max(result.elapsedS, result.sendingS), 2),
    },
    successRatio: result.sent === 0 ? 0 : round(result.ok / result.sent, 6),
    statusCodes: result.statusCodes,
    errors: result.errors,
    latencyMs: latencyMs(result.latency),
    stoppedEarly: result.stoppedEarly,
  };
}

/** The thresholds the report misses, as one line each; none means exit 0. */
export function missedThresholds(report: LoadtestReport, thresholds: Thresholds): string[] {
  const missed: string[] = [];
  if (thresholds.failUnder !== undefined && report.successRatio < thresholds.failUnder) {
    missed.push(`success ratio ${report.successRatio} is under --fail-under ${thresholds.failUnder}`);
  }
  if (thresholds.p99UnderMs !== undefined && !(report.requests.answered > 0 && report.latencyMs.p99 < thresholds.p99UnderMs)) {
    missed.push(`p99 latency ${report.latencyMs.p99} ms is not under --p99-under ${thresholds.p99UnderMs} ms`);
  }
  return missed;
}

const fmtMs = (n: number): string => `${n.toFixed(3)} ms`;
const pct = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`;

function counts(map: Record<string, number>): string {
  const entries = Object.entries(map).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** The human-readable report, one figure per line. */
export function formatReport(r: LoadtestReport): string {
  const l = r.latencyMs;
  return [
    `loadtest ${r.method} ${r.url}${r.stoppedEarly ? ' (stopped early)' : ''}`,
    `  requests      ${r.requests.sent} sent, ${r.requests.answered} answered, ${r.requests.ok} ok (2xx), ${r.requests.failed} failed`,
    `  rate          ${r.rate.achievedPerS}/s achieved of ${r.rate.targetPerS}/s target over ${r.durationS} s; ${r.rate.throughputPerS}/s answered`,
    `  success       ${pct(r.successRatio)}`,
    `  status codes  ${counts(r.statusCodes)}`,
    `  errors        ${counts(r.errors)}`,
    `  connections   ${r.connections}; ${r.requests.waitedForConnection} requests waited for a free one`,
    `  latency       min ${fmtMs(l.min)}  mean ${fmtMs(l.mean)}  max ${fmtMs(l.max)}`,
    `                p50 ${fmtMs(l.p50)}  p90 ${fmtMs(l.p90)}  p95 ${fmtMs(l.p95)}  p99 ${fmtMs(l.p99)}`,
    '',
  ].join('\n');
}
