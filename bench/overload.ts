import type { OverloadMeasurement } from './measurements.js';
import { measured } from './measurements.js';
import { WIDE_REQUEST } from './payloads.js';
import { sampleRss } from './rss.js';
import { measureServerCpu } from './server-cpu.js';
import { isAlive, type RunningServer } from './server.js';
import { OVERLOAD_CONNECTIONS, OVERLOAD_FACTOR } from './settings.js';
import type { StepContext } from './steps.js';

async function answersLive(server: RunningServer): Promise<boolean> {
  if (!isAlive(server)) return false;
  try {
    const res = await fetch(new URL('/v2/health/live', server.url), { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Offers OVERLOAD_FACTOR × the capacity just measured on the same server, at a
 * constant rate over OVERLOAD_CONNECTIONS sockets (bench/open-loop.ts), while
 * sampling the server's RSS and CPU; then checks it still answers.
 */
export async function runOverload(ctx: StepContext, server: RunningServer): Promise<OverloadMeasurement> {
  const capacity = measured(ctx.outcomes, 'overload-capacity', 'closed');
  if (capacity === undefined || capacity.result.reqPerS <= 0) {
    throw new Error('the capacity run (overload-capacity) did not complete, so there is no rate to multiply');
  }
  const targetRatePerS = capacity.result.reqPerS * OVERLOAD_FACTOR;
  const rss = sampleRss(server.pid);
  const cpu = measureServerCpu(server.pid);
  const result = await ctx.load.call({
    kind: 'open',
    url: server.url,
    request: WIDE_REQUEST,
    ratePerS: targetRatePerS,
    durationS: ctx.settings.overloadS,
    connections: OVERLOAD_CONNECTIONS,
    drainS: ctx.settings.overloadDrainS,
  });
  const serverCpu = cpu.stop();
  const trace = rss.stop();
  if (result.kind !== 'open') throw new Error('load worker answered an open-loop job with a closed-loop result');
  return {
    kind: 'overload',
    serverFlags: server.spec.flags,
    capacityReqPerS: capacity.result.reqPerS,
    capacityP99Us: capacity.result.ok.p99Us,
    targetRatePerS,
    connections: OVERLOAD_CONNECTIONS,
    result,
    rss: trace,
    serverCpu,
    aliveAfter: await answersLive(server),
  };
}
