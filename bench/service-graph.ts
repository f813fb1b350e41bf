/**
 * Issue 4's service-graph scenarios: prediction cache hits (memory, Redis), a
 * parallel fan-out of three tiny models against each branch alone, and a
 * two-step serial pipeline against each step alone. All run at c=1 against
 * one server (`graph`), so every comparison is between figures of the same
 * process and run.
 */
import type { ClosedLoopResult, HttpRequestSpec, LoadJob } from './load-protocol.js';
import { StepSkipped, type ClosedMeasurement, type GroupMeasurement } from './measurements.js';
import { IRIS_ROW } from './payloads.js';
import { GRAPH, GRAPH_REDIS_HOST, GRAPH_REDIS_PORT, GRAPH_STEP_IDS } from './service-graph-config.js';
import { cacheCounts, countsBetween, redisUnreachable } from './service-graph-probes.js';
import type { Settings } from './settings.js';
import { closedLoop, type Step, type StepContext } from './steps.js';

/** Latency targets: one request at a time, so nothing queues. */
const CONCURRENCY = 1;

/** `POST /v1/services/{name}/predict` with `{"instances": rows}`. */
export function serviceRequest(service: string, rows: readonly (readonly unknown[])[]): HttpRequestSpec {
  return {
    method: 'POST',
    path: `/v1/services/${service}/predict`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: rows }),
  };
}

/** The cache steps' durations: a c=1 run answers thousands of requests a second, so a few seconds give a stable p50. */
function timing(s: Settings): Settings {
  return { ...s, warmupS: s.graphWarmupS, durationS: s.graphDurationS };
}

/** Each repeat's time per request of a group is cut into this many slices, taken in turns. */
const SLICES_PER_REPEAT = 3;

const estimate = (s: Settings): number => s.graphWarmupS + s.graphDurationS * s.repeats + 0.3;

function requireUrl(ctx: StepContext): string {
  if (ctx.server === undefined) throw new Error('step needs the graph server but none is running');
  return ctx.server.url;
}

/** Sends the request once; a step is not timed on answers that are errors or partial (a fan-out branch failed). */
async function preflight(ctx: StepContext, spec: HttpRequestSpec): Promise<{ predictions?: unknown[] }> {
  const res = await fetch(new URL(spec.path, requireUrl(ctx)), { method: spec.method, headers: spec.headers, body: spec.body ?? null });
  const body = (await res.json()) as { predictions?: unknown[]; partial?: boolean };
  if (!res.ok || body.partial === true || !Array.isArray(body.predictions)) {
    throw new Error(`${spec.path} answered ${res.status}${body.partial === true ? ' (partial)' : ''}: ${JSON.stringify(body)}`);
  }
  return body;
}

type RequestOf = (ctx: StepContext) => Promise<HttpRequestSpec> | HttpRequestSpec;

interface MemberSpec {
  readonly id: string;
  readonly title: string;
  readonly request: RequestOf;
}

const byP50 = (a: ClosedLoopResult, b: ClosedLoopResult): number => a.ok.p50Us - b.ok.p50Us;

/** The slice with the median p50 stands for the member; errors are summed over every slice, so none hides. */
function memberResult(slices: readonly ClosedLoopResult[]): ClosedLoopResult {
  const median = [...slices].sort(byP50)[(slices.length - 1) >> 1];
  if (median === undefined) throw new Error('no slices');
  const statusCounts: Record<string, number> = {};
  for (const slice of slices) for (const [status, n] of Object.entries(slice.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + n;
  const sum = (f: (r: ClosedLoopResult) => number): number => slices.reduce((total, r) => total + f(r), 0);
  return { ...median, statusCounts, non2xx: sum((r) => r.non2xx), networkErrors: sum((r) => r.networkErrors) };
}

/**
 * Requests compared by a target, measured in turns: every member gets a
 * warm-up, then rounds of short slices, each round starting one member later.
 * On a 2-core machine shared with other work, the c=1 latency moves by tens of
 * µs as the cores go busy or idle; back-to-back runs of several seconds each
 * caught different states, and the differences the targets take moved with them.
 */
function groupStep(id: string, title: string, members: readonly MemberSpec[]): Step {
  return {
    id,
    title,
    concurrency: String(CONCURRENCY),
    server: 'graph',
    estimateS: (s) => members.length * estimate(s),
    run: async (ctx): Promise<GroupMeasurement> => {
      const url = requireUrl(ctx);
      const specs: HttpRequestSpec[] = [];
      for (const member of members) {
        const spec = await member.request(ctx);
        await preflight(ctx, spec);
        specs.push(spec);
      }
      const s = ctx.settings;
      const rounds = SLICES_PER_REPEAT * s.repeats;
      const slices: ClosedLoopResult[][] = members.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < members.length; k++) {
          const i = (round + k) % members.length;
          const request = specs[i];
          if (request === undefined) throw new Error(`no request for member ${i}`);
          const job: LoadJob = {
            kind: 'closed',
            url,
            request,
            connections: CONCURRENCY,
            durationS: s.graphDurationS / SLICES_PER_REPEAT,
            warmupS: round === 0 ? s.graphWarmupS : 0,
          };
          const result = await ctx.load.call(job);
          if (result.kind !== 'closed') throw new Error('load worker answered a closed-loop job with an open-loop result');
          slices[i]?.push(result);
        }
      }
      return {
        kind: 'group',
        members: members.map((member, i) => {
          const own = slices[i] ?? [];
          return {
            id: member.id,
            title: member.title,
            sliceP50sUs: own.map((r) => r.ok.p50Us),
            measurement: {
              kind: 'closed',
              concurrency: CONCURRENCY,
              rowsPerRequest: 1,
              serverFlags: ctx.server?.spec.flags ?? [],
              result: memberResult(own),
              repeatsReqPerS: own.map((r) => r.reqPerS),
              meanBatchRows: null,
            },
          };
        }),
      };
    },
  };
}

/**
 * The same instance every time: the preflight request fills the cache, so
 * every timed request is a hit, and the server's counters must agree.
 */
function cacheStep(id: string, title: string, service: string, before?: () => Promise<void>): Step {
  const spec = serviceRequest(service, [IRIS_ROW]);
  return {
    id,
    title,
    concurrency: String(CONCURRENCY),
    server: 'graph',
    estimateS: estimate,
    run: async (ctx): Promise<ClosedMeasurement> => {
      await before?.();
      await preflight(ctx, spec);
      const url = requireUrl(ctx);
      const start = await cacheCounts(url, service);
      const measurement = await closedLoop({ ...ctx, settings: timing(ctx.settings) }, spec, CONCURRENCY);
      return { ...measurement, cache: countsBetween(start, await cacheCounts(url, service)) };
    },
  };
}

/**
 * What the first step answers for the bench row: the second step alone is
 * timed on exactly the instance it receives inside the pipeline.
 */
async function firstStepOutput(ctx: StepContext): Promise<HttpRequestSpec> {
  const body = await preflight(ctx, serviceRequest(GRAPH.services.stepA, [IRIS_ROW]));
  const row = body.predictions?.[0];
  if (!Array.isArray(row)) throw new Error(`service ${GRAPH.services.stepA} answered a row that is not a list: ${JSON.stringify(body)}`);
  return serviceRequest(GRAPH.services.stepB, [row]);
}

/**
 * The steps, in run order: the parts of each comparison back to back, so drift
 * on the machine touches them alike. A function, not a constant: steps.ts and
 * this file import each other, and a function declaration is usable whichever
 * of them is loaded first.
 */
export function graphSteps(): Step[] {
  const s = GRAPH.services;
  const ids = GRAPH_STEP_IDS;
  const row = [IRIS_ROW];
  return [
    cacheStep(ids.cacheMemory, 'service: cache hit, memory store', s.cacheMemory),
    cacheStep(ids.cacheRedis, 'service: cache hit, Redis store', s.cacheRedis, async () => {
      const reason = await redisUnreachable(GRAPH_REDIS_HOST, GRAPH_REDIS_PORT);
      if (reason !== null) throw new StepSkipped(reason);
    }),
    groupStep(ids.fanOutGroup, 'service: fan-out of 3 tiny models vs each branch alone (interleaved)', [
      ...GRAPH.branches.map((b, i) => ({
        id: ids.branches[i] ?? b,
        title: `service: fan-out branch ${b} alone (model node)`,
        request: () => serviceRequest(s.branch(b), row),
      })),
      { id: ids.fanOut, title: 'service: parallel fan-out of the 3 branches', request: () => serviceRequest(s.fanOut, row) },
    ]),
    groupStep(ids.pipelineGroup, 'service: pipeline A then B vs each step alone (interleaved)', [
      { id: ids.stepA, title: 'service: step A alone (iris, 4 → 3)', request: () => serviceRequest(s.stepA, row) },
      { id: ids.stepB, title: "service: step B alone (3 → 2 MLP, on A's output)", request: firstStepOutput },
      { id: ids.pipeline, title: 'service: pipeline A then B', request: () => serviceRequest(s.pipeline, row) },
      { id: ids.noop, title: 'service: no-op graph ({type: map})', request: () => serviceRequest(s.noop, row) },
    ]),
  ];
}
