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
 * Open loop: requests fall due at a constant rate whatever the server does (as
 * independent users would), so an overloaded server cannot slow the offered
 * load down the way it slows a closed loop.
 */
export interface OpenLoopJob {
  readonly kind: 'open';
  readonly url: string;
  readonly request: HttpRequestSpec;
  readonly ratePerS: number;
  readonly durationS: number;
  /** Sockets, each carrying one request at a time; a request due when all are busy is not sent (`unsent`). */
  readonly connections: number;
  /** Longest wait for answers still outstanding once sending stops. */
  readonly drainS: number;
}

export interface OpenLoopResult {
  readonly kind: 'open';
  /** How long sending lasted. */
  readonly durationS: number;
  /** Requests that fell due, and their rate: the offered load. */
  readonly scheduled: number;
  readonly scheduledPerS: number;
  /** Requests written to a socket, and their rate: the load that reached the server. */
  readonly sent: number;
  readonly sentPerS: number;
  /** Due while every socket carried a request: the server already held `connections` of them. */
  readonly unsent: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** 2xx, from the moment each request was written to its socket. */
  readonly accepted: LatencySummary;
  /** 503, from the moment each request was written. */
  readonly rejected: LatencySummary;
  /** The same answers from the moment each request was due: adds the generator's timer lag. */
  readonly acceptedFromDue: LatencySummary;
  readonly rejectedFromDue: LatencySummary;
  /** 503s carrying code OVERLOADED and a Retry-After header, as the contract requires. */
  readonly rejectedWellFormed: number;
  /** Any other status (e.g. 504 DEADLINE_EXCEEDED), from the write. */
  readonly other: LatencySummary;
  /** Requests lost to a socket error or a connection the server closed. */
  readonly networkErrors: number;
  /** Sockets the server closed during the run (not reopened: the pool shrinks, and `unsent` shows it). */
  readonly lostConnections: number;
  /** Still unanswered after drainS. */
  readonly unanswered: number;
  /** From the first request to the last answer (answers go on arriving after sending stops). */
  readonly answeredS: number;
  /** Most requests on the wire at once (at most `connections`), and the mean over the timer ticks. */
  readonly peakOutstanding: number;
  readonly meanOutstanding: number;
  /** CPU time of the generator per request sent, and in cores while sending: its share of the cores the server also needs. */
  readonly clientCpuUsPerRequest: number;
  readonly clientCores: number;
  /** How late requests left against their schedule: shows whether the generator kept up. */
  readonly sendLag: LatencySummary;
}

export type LoadJob = ClosedLoopJob | OpenLoopJob;
export type LoadResult = ClosedLoopResult | OpenLoopResult;
