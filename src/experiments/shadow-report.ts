import type { PredictionRecord } from '../ports/event-log.js';
import type { ShadowNode } from '../services/schema.js';
import { absoluteDifference, percentile, rowsOf, sameInstance } from './compare-outputs.js';
import { lastCallPerRequest, under } from './records.js';

export interface LatencySummary {
  readonly p50: number | null;
  readonly p95: number | null;
}

export interface CandidateReport {
  readonly name: string;
  /** Requests with a logged call of this candidate (the mirrored ones). */
  readonly mirrored: number;
  /** Mirrored requests whose candidate call failed (status not "ok"). */
  readonly errors: number;
  /** Instances compared: both the primary and the candidate answered. */
  readonly compared: number;
  readonly agreed: number;
  /** agreed / compared; null when nothing was compared. */
  readonly agreement_rate: number | null;
  /** Mean |primary − candidate| over the numbers of the compared outputs; null when not numeric. */
  readonly mean_abs_diff: number | null;
  /** The candidate's latency, and the primary's on the same (mirrored) requests, from the logged latency_ms. */
  readonly latency_ms: LatencySummary;
  readonly primary_latency_ms: LatencySummary;
}

export interface ShadowReport {
  readonly type: 'shadow';
  /** Where the node is in the graph, as a node-path prefix ("" at the root). */
  readonly node: string;
  /** Requests the primary served through this node. */
  readonly requests: number;
  readonly primary_errors: number;
  readonly primary_latency_ms: LatencySummary;
  readonly candidates: readonly CandidateReport[];
}

function latency(records: readonly PredictionRecord[]): LatencySummary {
  const values = records.map((r) => r.latency_ms);
  return { p50: percentile(values, 50) ?? null, p95: percentile(values, 95) ?? null };
}

/**
 * Shadow A/B from the log: for each request, the primary's last logged call under
 * the node (the one that made its answer, in a pipeline) against each candidate's
 * last call under "shadow/<candidate>/", instance by instance.
 */
export function shadowReport(node: ShadowNode, prefix: string, records: readonly PredictionRecord[]): ShadowReport {
  const shadowPrefix = `${prefix}shadow/`;
  const primary = lastCallPerRequest(records.filter((r) => under(r, prefix) && !under(r, shadowPrefix)));
  const candidates = Object.keys(node.candidates).map((name): CandidateReport => {
    const calls = lastCallPerRequest(records.filter((r) => under(r, `${shadowPrefix}${name}/`)));
    let compared = 0;
    let agreed = 0;
    let diffSum = 0;
    let diffCount = 0;
    const primaryCalls: PredictionRecord[] = [];
    for (const [requestId, candidate] of calls) {
      const base = primary.get(requestId);
      if (base) primaryCalls.push(base);
      if (!base || base.status !== 'ok' || candidate.status !== 'ok') continue;
      const count = Math.min(rowsOf(base).length, rowsOf(candidate).length);
      for (let i = 0; i < count; i++) {
        compared++;
        if (sameInstance(base, candidate, i)) agreed++;
        const diff = absoluteDifference(rowsOf(base)[i], rowsOf(candidate)[i]);
        if (diff) {
          diffSum += diff.sum;
          diffCount += diff.count;
        }
      }
    }
    const candidateCalls = [...calls.values()];
    return {
      name,
      mirrored: calls.size,
      errors: candidateCalls.filter((r) => r.status !== 'ok').length,
      compared,
      agreed,
      agreement_rate: compared > 0 ? agreed / compared : null,
      mean_abs_diff: diffCount > 0 ? diffSum / diffCount : null,
      latency_ms: latency(candidateCalls),
      primary_latency_ms: latency(primaryCalls),
    };
  });
  const primaryCalls = [...primary.values()];
  return {
    type: 'shadow',
    node: prefix,
    requests: primary.size,
    primary_errors: primaryCalls.filter((r) => r.status !== 'ok').length,
    primary_latency_ms: latency(primaryCalls),
    candidates,
  };
}
