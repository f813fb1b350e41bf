import { runOverload } from './overload.js';
import { queueSteps } from './queue-steps.js';
import { graphSteps } from './service-graph.js';
import { predictionLogSteps } from './prediction-log.js';
import type { ClosedLoopResult, HttpRequestSpec, LoadJob, LoadResult } from './load-protocol.js';
import type { ClosedMeasurement, Measurement, Outcomes } from './measurements.js';
import {
  IRIS_INPUT,
  IRIS_NAME,
  IRIS_ROW,
  WIDE_BINARY_REQUEST,
  WIDE_REQUEST,
  friendlyRequest,
  liveRequest,
  oipBinaryRequest,
  oipJsonRequest,
} from './payloads.js';
import type { RawJob, RawResult } from './raw-ort-protocol.js';
import { IRIS_ONNX } from './paths.js';
import type { RunningServer } from './server.js';
import { batchCounters, meanBatchRows } from './server-metrics.js';
import type { ServerKey } from './server-specs.js';
import { OVERLOAD_MAX_IN_FLIGHT, RAW_BATCH_SIZES, TINY_CONCURRENCY, WIDE_CONCURRENCIES, type Settings } from './settings.js';
import { WIDE_FEATURES, WIDE_INPUT, type WideModel } from './wide-mlp.js';
import type { WorkerProcess } from './worker-rpc.js';

export interface StepContext {
  readonly settings: Settings;
  readonly load: WorkerProcess<LoadJob, LoadResult>;
  readonly raw: WorkerProcess<RawJob, RawResult>;
  readonly wide: WideModel;
  /** The running server of the step's configuration (undefined for in-process steps). */
  readonly server: RunningServer | undefined;
  readonly outcomes: Outcomes;
}

export interface Step {
  readonly id: string;
  /** Progress line and table row. */
  readonly title: string;
  /** Table column: concurrent connections, or how the load is offered. */
  readonly concurrency: string;
  readonly server?: ServerKey;
  estimateS(settings: Settings): number;
  run(ctx: StepContext): Promise<Measurement>;
}

function requireServer(ctx: StepContext): RunningServer {
  if (ctx.server === undefined) throw new Error('step needs a server but none is running');
  return ctx.server;
}

/** The model a request addresses, from its path (/v1/models/{name}/… or /v2/models/{name}/…). */
function modelOf(request: HttpRequestSpec): string | undefined {
  return /\/models\/([^/]+)\//.exec(request.path)?.[1];
}

/** Warm-up, then `repeats` runs; reports the run with the median req/s (the middle one of three). */
export async function closedLoop(ctx: StepContext, request: HttpRequestSpec, concurrency: number): Promise<ClosedMeasurement> {
  const server = requireServer(ctx);
  const model = modelOf(request);
  const countersBefore = model === undefined ? undefined : await batchCounters(server.url, model);
  const runs: ClosedLoopResult[] = [];
  for (let i = 0; i < ctx.settings.repeats; i++) {
    const job: LoadJob = {
      kind: 'closed',
      url: server.url,
      request,
      connections: concurrency,
      durationS: ctx.settings.durationS,
      warmupS: i === 0 ? ctx.settings.warmupS : 0,
    };
    const result = await ctx.load.call(job);
    if (result.kind !== 'closed') throw new Error('load worker answered a closed-loop job with an open-loop result');
    runs.push(result);
  }
  const countersAfter = model === undefined ? undefined : await batchCounters(server.url, model);
  const sorted = [...runs].sort((a, b) => a.reqPerS - b.reqPerS);
  const result = sorted[(sorted.length - 1) >> 1] ?? sorted[0];
  if (result === undefined) throw new Error('no runs');
  return {
    kind: 'closed',
    concurrency,
    rowsPerRequest: 1,
    serverFlags: server.spec.flags,
    result,
    repeatsReqPerS: runs.map((r) => r.reqPerS),
    meanBatchRows: meanBatchRows(countersBefore, countersAfter),
  };
}

const loadEstimate = (s: Settings): number => s.warmupS + s.durationS * s.repeats + 0.3;

function httpStep(id: string, title: string, server: ServerKey, concurrency: number, request: HttpRequestSpec): Step {
  return {
    id,
    title,
    concurrency: String(concurrency),
    server,
    estimateS: loadEstimate,
    run: (ctx) => closedLoop(ctx, request, concurrency),
  };
}

function wideSteps(batching: 'off' | 'on'): Step[] {
  return WIDE_CONCURRENCIES.map((c) =>
    httpStep(`wide-${batching}-c${c}`, `wide MLP c=${c} batching ${batching}`, `wide-${batching}`, c, WIDE_REQUEST),
  );
}

const row = [[...IRIS_ROW]];

/** Every step, in the order they run (grouped by server so that each starts once). */
export const STEPS: readonly Step[] = [
  httpStep('trivial', 'trivial route GET /v2/health/live', 'tiny', TINY_CONCURRENCY, liveRequest()),
  httpStep('tiny-json', 'tiny model, friendly JSON', 'tiny', TINY_CONCURRENCY, friendlyRequest(IRIS_NAME, row)),
  httpStep('tiny-oip-json', 'tiny model, OIP JSON', 'tiny', TINY_CONCURRENCY, oipJsonRequest(IRIS_NAME, IRIS_INPUT, row)),
  httpStep('tiny-oip-binary', 'tiny model, OIP binary', 'tiny', TINY_CONCURRENCY, oipBinaryRequest(IRIS_NAME, IRIS_INPUT, row)),
  httpStep('tiny-json-c1', 'tiny model, friendly JSON', 'tiny', 1, friendlyRequest(IRIS_NAME, row)),
  {
    id: 'raw-tiny',
    title: 'raw onnxruntime, tiny model, batch 1',
    concurrency: 'in-process',
    estimateS: (s) => s.rawTinyRuns * 0.00005 + 0.5,
    run: async (ctx) => {
      const result = await ctx.raw.call({
        kind: 'latency',
        model: { file: IRIS_ONNX, input: IRIS_INPUT, width: IRIS_ROW.length },
        warmupRuns: Math.min(1000, ctx.settings.rawTinyRuns),
        runs: ctx.settings.rawTinyRuns,
      });
      if (result.kind !== 'latency') throw new Error('raw worker answered with the wrong kind');
      return { kind: 'raw-latency', result };
    },
  },
  ...wideSteps('off'),
  ...wideSteps('on'),
  // Not one of the scenarios: shows how much of the wide MLP's cost is 256 numbers as JSON text.
  httpStep('wide-on-c64-binary', 'wide MLP c=64 batching on, OIP binary', 'wide-on', 64, WIDE_BINARY_REQUEST),
  {
    id: 'raw-wide',
    title: `raw onnxruntime, wide MLP, batch ${RAW_BATCH_SIZES.join('/')}`,
    concurrency: 'in-process',
    estimateS: (s) => s.rawSecondsPerSize * RAW_BATCH_SIZES.length + 0.5,
    run: async (ctx) => {
      const result = await ctx.raw.call({
        kind: 'throughput',
        model: { file: ctx.wide.file, input: WIDE_INPUT, width: WIDE_FEATURES },
        batchSizes: RAW_BATCH_SIZES,
        secondsPerSize: ctx.settings.rawSecondsPerSize,
      });
      if (result.kind !== 'throughput') throw new Error('raw worker answered with the wrong kind');
      return { kind: 'raw-throughput', result };
    },
  },
  httpStep('overload-capacity', 'overload server at capacity (bounded, batching on)', 'overload', OVERLOAD_MAX_IN_FLIGHT, WIDE_REQUEST),
  {
    id: 'overload',
    title: 'overload at ~4× capacity (open loop)',
    concurrency: 'open loop',
    server: 'overload',
    estimateS: (s) => s.overloadS + 1,
    run: (ctx) => runOverload(ctx, requireServer(ctx)),
  },
  // Issue 4: cache hits, fan-out and pipeline overhead, all on one server with a service graph config.
  ...graphSteps(),
  // Issue 5: jobs through the SQLite and BullMQ queues, and a batch run against raw onnxruntime; no server.
  ...queueSteps(),
  // Issue 6: the cost of logging every prediction (two servers of its own, started by the step).
  ...predictionLogSteps(),
];

/** The steps --only selects: ids equal to or starting with one of the given prefixes. */
export function selectSteps(only: readonly string[] | undefined): Step[] {
  if (only === undefined) return [...STEPS];
  const selected = STEPS.filter((s) => only.some((p) => s.id === p || s.id.startsWith(p)));
  // The overload run offers a multiple of the capacity it measures first.
  if (selected.some((s) => s.id === 'overload') && !selected.some((s) => s.id === 'overload-capacity')) {
    const capacity = STEPS.find((s) => s.id === 'overload-capacity');
    if (capacity !== undefined) selected.splice(selected.findIndex((s) => s.id === 'overload'), 0, capacity);
  }
  return selected;
}
