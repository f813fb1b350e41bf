import type { OverloadMeasurement } from './measurements.js';
import { OVERLOAD_GENERATOR_CORES } from './settings.js';
import { NA, ms, ratio, type TargetResult } from './target-result.js';

const IDS = {
  rejected: ['overload-rejected-p99', 'overload: rejected (503) requests answered in p99 ≤ 5 ms'],
  accepted: ['overload-accepted-p99', 'overload: accepted p99 ≤ 2 × p99 at capacity'],
  alive: ['overload-no-crash', 'overload: no crash (server still answers afterwards)'],
  memory: ['overload-memory-bounded', 'overload: memory bounded (RSS growth over the 2nd half ≤ 32 MiB)'],
} as const;

/** The generator must have kept this share of its schedule for the latency verdicts to describe the server. */
const SCHEDULE_KEPT = 0.9;

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (part: number, whole: number): string => `${Math.round((100 * part) / Math.max(1, whole))} %`;

/** What was offered, what reached the server, and what the server and the generator used meanwhile. */
function loadNote(m: OverloadMeasurement): string {
  const r = m.result;
  const x = (perS: number): string => `${(perS / m.capacityReqPerS).toFixed(1)}×`;
  // A request is unsent only while every socket carries one: the server held that many, unanswered.
  const held = r.unsent > 0 ? `; ${pct(r.unsent, r.scheduled)} of due requests found all ${m.connections} sockets held by the server` : '';
  const answersPerS = (r.accepted.count + r.rejected.count) / Math.max(r.answeredS, 1e-9);
  // Event-loop CPU per answer bounds how fast one server process can answer at all, generator or not.
  const perAnswerUs = m.serverCpu === null ? 0 : (m.serverCpu.eventLoopCores * 1e6) / Math.max(answersPerS, 1);
  const server =
    m.serverCpu === null || perAnswerUs <= 0
      ? ''
      : `; server ${m.serverCpu.cores.toFixed(2)} cores, event loop ${m.serverCpu.eventLoopCores.toFixed(2)} ` +
        `(~${Math.round(perAnswerUs)} µs per answer: a whole core would answer ≤ ${x(1e6 / perAnswerUs)} capacity)`;
  return (
    `due ${x(r.scheduledPerS)} capacity (${count(r.scheduledPerS)}/s), reached the server ${x(r.sentPerS)} (${count(r.sentPerS)}/s sent, ` +
    `mean ${Math.round(r.meanOutstanding)} on the wire)${held}${server}; generator ${r.clientCores.toFixed(2)} cores, lag p99 ${ms(r.sendLag.p99Us)}`
  );
}

/**
 * Why a latency verdict cannot be trusted, if it cannot: a generator that fell
 * behind offered less than the target asks (a pass would flatter the server);
 * one over its CPU budget took cores from the server (a fail may be its own).
 */
function untrusted(m: OverloadMeasurement, pass: boolean): string | undefined {
  const r = m.result;
  if (r.scheduledPerS < SCHEDULE_KEPT * m.targetRatePerS) {
    return `not judged: the generator fell behind its schedule (${count(r.scheduledPerS)} of ${count(m.targetRatePerS)} req/s due)`;
  }
  if (!pass && r.clientCores > OVERLOAD_GENERATOR_CORES) {
    return `not judged: the generator used ${r.clientCores.toFixed(2)} cores (budget ${OVERLOAD_GENERATOR_CORES}), taken from the server`;
  }
  return undefined;
}

function latencyVerdict(m: OverloadMeasurement, base: Omit<TargetResult, 'pass'> & { pass: boolean }): TargetResult {
  const reason = untrusted(m, base.pass);
  return reason === undefined ? base : { ...base, pass: null, note: `${reason}; ${base.note ?? ''}` };
}

/**
 * The overload targets. Latencies are from the moment each request was
 * written to its socket, as autocannon times the capacity run they are
 * compared with; from-due figures are in the notes.
 */
export function overloadTargets(m: OverloadMeasurement | undefined): TargetResult[] {
  if (m === undefined) return Object.values(IDS).map(([id, target]) => NA(id, target, 'needs step overload'));
  const r = m.result;
  const load = loadNote(m);
  const rejected: TargetResult =
    r.rejected.count === 0
      ? { id: IDS.rejected[0], target: IDS.rejected[1], measured: 'no 503', value: null, pass: false, note: `nothing was shed; ${load}` }
      : latencyVerdict(m, {
          id: IDS.rejected[0],
          target: IDS.rejected[1],
          measured: ms(r.rejected.p99Us),
          value: r.rejected.p99Us / 1000,
          pass: r.rejected.p99Us <= 5000,
          note: `${count(r.rejected.count)} rejected (${pct(r.rejectedWellFormed, r.rejected.count)} with OVERLOADED + Retry-After), p99 from due ${ms(r.rejectedFromDue.p99Us)}; ${load}`,
        });
  const acceptedPerS = r.accepted.count / Math.max(r.answeredS, 1e-9);
  const acceptedRatio = r.accepted.count === 0 ? null : r.accepted.p99Us / m.capacityP99Us;
  const accepted: TargetResult =
    acceptedRatio === null
      ? { id: IDS.accepted[0], target: IDS.accepted[1], measured: 'no 2xx', value: null, pass: false, note: 'nothing was admitted' }
      : latencyVerdict(m, {
          id: IDS.accepted[0],
          target: IDS.accepted[1],
          measured: ratio(acceptedRatio),
          value: acceptedRatio,
          pass: acceptedRatio <= 2,
          note:
            `${ms(r.accepted.p99Us)} vs ${ms(m.capacityP99Us)} at capacity (both from the write; from due ${ms(r.acceptedFromDue.p99Us)}); ` +
            `${count(acceptedPerS)} accepted/s = ${(acceptedPerS / m.capacityReqPerS).toFixed(2)}× capacity`,
        });
  const alive: TargetResult = {
    id: IDS.alive[0],
    target: IDS.alive[1],
    measured: m.aliveAfter ? 'alive' : 'down',
    value: m.aliveAfter ? 1 : 0,
    pass: m.aliveAfter,
    note: `${r.networkErrors} network errors, ${r.lostConnections} connections closed by the server, ${r.unanswered} unanswered`,
  };
  const growthMiB = m.rss.secondHalfGrowthKiB / 1024;
  const memory: TargetResult = {
    id: IDS.memory[0],
    target: IDS.memory[1],
    measured: `${growthMiB.toFixed(1)} MiB`,
    value: growthMiB,
    pass: growthMiB <= 32,
    note: `RSS ${(m.rss.startKiB / 1024).toFixed(0)} → peak ${(m.rss.peakKiB / 1024).toFixed(0)} → end ${(m.rss.endKiB / 1024).toFixed(0)} MiB`,
  };
  return [rejected, accepted, alive, memory];
}
