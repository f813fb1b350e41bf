import autocannon from 'autocannon';
import { microsHistogram, recordMs, summarize } from './histogram.js';
import type { ClosedLoopJob, ClosedLoopResult, HttpRequestSpec } from './load-protocol.js';

function bodyOf(request: HttpRequestSpec): string | Buffer | undefined {
  if (request.body === undefined) return undefined;
  return request.bodyEncoding === 'base64' ? Buffer.from(request.body, 'base64') : request.body;
}

interface Pass {
  readonly elapsedS: number;
  readonly responses: number;
  readonly statusCounts: Record<string, number>;
  readonly ok: ReturnType<typeof microsHistogram>;
  readonly networkErrors: number;
}

/**
 * One autocannon run. Latencies come from its per-response event rather than
 * its own histogram, which stores whole milliseconds: the tiny model's
 * latencies are a few hundred microseconds, and the targets are in µs.
 */
function pass(job: ClosedLoopJob, durationS: number): Promise<Pass> {
  const ok = microsHistogram();
  const statusCounts: Record<string, number> = {};
  let responses = 0;
  let started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: new URL(job.request.path, job.url).toString(),
        connections: job.connections,
        duration: durationS,
        // autocannon only notices the end of the duration on a sample tick (1 s by default), which would stretch short runs.
        sampleInt: 100,
        timeout: 30,
        pipelining: 1,
        method: job.request.method,
        headers: { ...job.request.headers },
        ...(job.request.body !== undefined ? { body: bodyOf(job.request) } : {}),
      },
      (err, result) => {
        if (err) {
          reject(err);
          return;
        }
        resolve({
          elapsedS: (performance.now() - started) / 1000,
          responses,
          statusCounts,
          ok,
          networkErrors: result.errors,
        });
      },
    );
    instance.on('start', () => {
      started = performance.now();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      responses++;
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) recordMs(ok, responseTime);
    });
  });
}

export async function runClosedLoop(job: ClosedLoopJob): Promise<ClosedLoopResult> {
  if (job.warmupS > 0) await pass(job, job.warmupS);
  const measured = await pass(job, job.durationS);
  const okCount = measured.ok.totalCount;
  return {
    kind: 'closed',
    durationS: measured.elapsedS,
    responses: measured.responses,
    // Only answered requests count as throughput; the rest are reported as errors.
    reqPerS: okCount / measured.elapsedS,
    statusCounts: measured.statusCounts,
    ok: summarize(measured.ok),
    networkErrors: measured.networkErrors,
    non2xx: measured.responses - okCount,
  };
}
