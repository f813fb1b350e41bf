import type { ClosedLoopResult, OpenLoopResult } from './load-protocol.js';
import type { BatchRunResult } from './queue-protocol.js';
import type { RawLatencyResult, RawRowsResult, RawThroughputResult } from './raw-ort-protocol.js';
import type { RssTrace } from './rss.js';
import type { ServerCpu } from './server-cpu.js';
import type { CacheCounts } from './service-graph-probes.js';

/** A closed-loop HTTP run (the reported repetition: the one with the median req/s). */
export interface ClosedMeasurement {
  readonly kind: 'closed';
  readonly concurrency: number;
  readonly rowsPerRequest: number;
  readonly serverFlags: readonly string[];
  readonly result: ClosedLoopResult;
  /** req/s of every repetition, to show the run-to-run spread. */
  readonly repeatsReqPerS: readonly number[];
  /** Mean rows per model execution over the step, from the server's /metrics (null: no batcher series). */
  readonly meanBatchRows: number | null;
  /** Cache lookups the server counted over the step (warm-up included), for steps through a cache node. */
  readonly cache?: CacheCounts;
}

export interface RawLatencyMeasurement {
  readonly kind: 'raw-latency';
  readonly result: RawLatencyResult;
}

export interface RawThroughputMeasurement {
  readonly kind: 'raw-throughput';
  readonly result: RawThroughputResult;
}

export interface OverloadMeasurement {
  readonly kind: 'overload';
  readonly serverFlags: readonly string[];
  /** From the step "overload-capacity", on the same server just before (p99 from the write, as autocannon times it). */
  readonly capacityReqPerS: number;
  readonly capacityP99Us: number;
  readonly targetRatePerS: number;
  readonly connections: number;
  readonly result: OpenLoopResult;
  readonly rss: RssTrace;
  /** What the server's process tree and its busiest event loop used during the run (null off Linux). */
  readonly serverCpu: ServerCpu | null;
  /** The server process still runs and answers /v2/health/live afterwards. */
  readonly aliveAfter: boolean;
}

/** One request of an interleaved group: the slice with its median p50 stands for it. */
export interface GroupMember {
  readonly id: string;
  readonly title: string;
  readonly measurement: ClosedMeasurement;
  /** p50 of every slice, in run order. */
  readonly sliceP50sUs: readonly number[];
}

/**
 * Several requests measured in turns of short slices (A, B, C, B, C, A, …) on
 * one server, so that a change on the machine during the step touches all of
 * them alike: what the difference targets need.
 */
export interface GroupMeasurement {
  readonly kind: 'group';
  readonly members: readonly GroupMember[];
}

/** Issue 5: tiny-model jobs submitted to a JobQueue and completed by worker processes (the reported round: median jobs/s). */
export interface QueueMeasurement {
  readonly kind: 'queue';
  /** http: through the job API of a server running its own worker (SQLite queue). */
  readonly adapter: 'sqlite' | 'bullmq' | 'http';
  /** Jobs per round. */
  readonly jobs: number;
  /** Concurrent submit loops in the bench process (each awaits its enqueue, or its 202, before the next). */
  readonly submitters: number;
  readonly workerProcesses: number;
  /** work() concurrency of each worker process. */
  readonly concurrencyPerWorker: number;
  /** First enqueue to the last job finished (as the workers' clocks saw it), of the reported round. */
  readonly elapsedS: number;
  /** Time to submit every job of the reported round. */
  readonly submitS: number;
  readonly jobsPerS: number;
  readonly succeeded: number;
  readonly failed: number;
  /** jobs/s of every round. */
  readonly roundsJobsPerS: readonly number[];
}

/** Issue 5: one batch run end to end, and raw onnxruntime over as many rows in runs of the shard size. */
export interface BatchMeasurement {
  readonly kind: 'batch';
  readonly rows: number;
  readonly shardSize: number;
  readonly input: string;
  readonly output: string;
  /** Raw runs before and after the batch run; the median of their rows/s is compared. */
  readonly raw: readonly RawRowsResult[];
  readonly rawRowsPerS: number;
  /** null when the batch runner could not be loaded (`batchUnavailable` says why). */
  readonly batch: BatchRunResult | null;
  readonly batchUnavailable?: string;
}

export type Measurement =
  | ClosedMeasurement
  | RawLatencyMeasurement
  | RawThroughputMeasurement
  | OverloadMeasurement
  | GroupMeasurement
  | QueueMeasurement
  | BatchMeasurement;

export type Outcome =
  | {
      readonly status: 'ok';
      readonly measurement: Measurement;
      /** Cores' worth of CPU other processes on the machine used during the step (null off Linux). */
      readonly foreignCpuCores: number | null;
    }
  | { readonly status: 'skipped' | 'failed'; readonly reason: string };

/** Thrown by a step that cannot run here (e.g. Redis is not reachable): recorded as skipped, with its message as the reason. */
export class StepSkipped extends Error {}

/** Outcomes by step id, in the order the steps ran. */
export type Outcomes = ReadonlyMap<string, Outcome>;

/** The measurement of a step when it ran and has the expected kind. */
export function measured<K extends Measurement['kind']>(
  outcomes: Outcomes,
  id: string,
  kind: K,
): Extract<Measurement, { kind: K }> | undefined {
  const outcome = outcomes.get(id);
  if (outcome?.status !== 'ok' || outcome.measurement.kind !== kind) return undefined;
  return outcome.measurement as Extract<Measurement, { kind: K }>;
}
