/**
 * Messages between the orchestrator (bench/run.ts) and the load generator
 * process (bench/load-worker.ts). Plain JSON, so they cross the IPC channel as is.
 */

export interface HttpRequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** "base64" for binary bodies (IPC carries JSON). @default "utf8" */
  readonly bodyEncoding?: 'utf8' | 'base64';
}

/** Latencies in microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

/** Closed loop: `connections` clients, each sending its next request when the previous one is answered. */
export interface ClosedLoopJob {
  readonly kind: 'closed';
  readonly url: string;
  readonly request: HttpRequestSpec;
  readonly connections: number;
  readonly durationS: number;
  /** Run first and discarded: JIT, connection set-up, onnxruntime's first runs. */
  readonly warmupS: number;
}

export interface ClosedLoopResult {
  readonly kind: 'closed';
  readonly durationS: number;
  readonly responses: number;
  readonly reqPerS: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** 2xx responses. */
  readonly ok: LatencySummary;
  /** Connection errors and timeouts (no response at all). */
  readonly networkErrors: number;
  readonly non2xx: number;
}

/**
 * Open loop: requests leave at a constant rate whatever the server does (as
 * independent users would), so an overloaded server cannot slow the offered
 * load down the way it slows a closed loop.
 */
export interface OpenLoopJob {
  readonly kind: 'open';
  readonly url: string;
  readonly request: HttpRequestSpec;
  readonly ratePerS: number;
  readonly durationS: number;
  /** Sockets available; a request finding none waits in the client, which counts in its latency. */
  readonly connections: number;
  /** Longest wait for answers still outstanding once sending stops. */
  readonly drainS: number;
}

export interface OpenLoopResult {
  readonly kind: 'open';
  readonly durationS: number;
  readonly sent: number;
  readonly sentPerS: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** 2xx. */
  readonly accepted: LatencySummary;
  /** 503. */
  readonly rejected: LatencySummary;
  /** 503s carrying code OVERLOADED and a Retry-After header, as the contract requires. */
  readonly rejectedWellFormed: number;
  /** Any other status (e.g. 504 DEADLINE_EXCEEDED). */
  readonly other: LatencySummary;
  readonly networkErrors: number;
  /** Still unanswered after drainS. */
  readonly unanswered: number;
  /** From the first request to the last answer (answers go on arriving after sending stops). */
  readonly answeredS: number;
  /**
   * Most requests outstanding at once. Above `connections`, requests waited in
   * the client for a socket: the server held every connection, i.e. it was not
   * shedding the excess quickly.
   */
  readonly peakOutstanding: number;
  /** CPU time of the generator per request sent: its share of the 2 cores the server also needs. */
  readonly clientCpuUsPerRequest: number;
  /** How late requests left against their schedule: shows whether the generator kept up. */
  readonly sendLag: LatencySummary;
}

export type LoadJob = ClosedLoopJob | OpenLoopJob;
export type LoadResult = ClosedLoopResult | OpenLoopResult;
