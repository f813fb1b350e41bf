/**
 * What the service-graph steps check beside latency: that Redis is there at
 * all, and that the server counted cache hits, so a cache scenario cannot
 * quietly measure misses (a wrong key, a store failing open) and pass.
 */
import { connect } from 'node:net';

/** Instances the server counted for one cache node over a step (mlpatterns_cache_requests_total deltas). */
export interface CacheCounts {
  readonly hit: number;
  readonly miss: number;
  readonly error: number;
}

/** null when Redis answers PING at host:port within timeoutMs, else why not. */
export function redisUnreachable(host: string, port: number, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let answer = '';
    const done = (reason: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`Redis at ${host}:${port} did not answer PING within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') ? null : `Redis at ${host}:${port} answered PING with ${JSON.stringify(answer.trim())}`);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(`Redis is not reachable at ${host}:${port} (${err.code ?? err.message})`));
  });
}

/** The counters of one service's cache node at the graph root; zeros when /metrics has no such series yet. */
export async function cacheCounts(url: string, service: string, node = 'graph'): Promise<CacheCounts> {
  const res = await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  const read = (result: keyof CacheCounts): number => {
    const labels = [`service="${service}"`, `node="${node}"`, `result="${result}"`];
    const line = text.split('\n').find((l) => l.startsWith('mlpatterns_cache_requests_total{') && labels.every((x) => l.includes(x)));
    const value = line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    return Number.isFinite(value) ? value : 0;
  };
  return { hit: read('hit'), miss: read('miss'), error: read('error') };
}

export function countsBetween(before: CacheCounts, after: CacheCounts): CacheCounts {
  return { hit: after.hit - before.hit, miss: after.miss - before.miss, error: after.error - before.error };
}
