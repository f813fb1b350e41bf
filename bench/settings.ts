/** Command line and the durations of each mode. */

export type BuildPolicy = 'auto' | 'always' | 'never';

/** A mistake on the command line: reported without a stack trace. */
export class UsageError extends Error {}

export interface Settings {
  readonly mode: 'full' | 'quick';
  /** Step-id prefixes to run (`--only wide,raw`); undefined = all. */
  readonly only: readonly string[] | undefined;
  readonly build: BuildPolicy;
  /** Per load step: discarded warm-up, then `repeats` measured runs of `durationS`. */
  readonly warmupS: number;
  readonly durationS: number;
  /** The reported run is the one with the median req/s; all are kept in the JSON. */
  readonly repeats: number;
  readonly rawTinyRuns: number;
  readonly rawSecondsPerSize: number;
  readonly overloadS: number;
  /** Longest wait for overload answers still outstanding once sending stops. */
  readonly overloadDrainS: number;
  /** Per service-graph step (c=1 latency): warm-up, then `repeats` runs of graphDurationS. */
  readonly graphWarmupS: number;
  readonly graphDurationS: number;
  /** Issue 5: tiny-model jobs per round through the SQLite queue, and through BullMQ (rounds = repeats). */
  readonly queueJobs: number;
  readonly bullJobs: number;
  /** Rows of the generated batch input (1,000,000 is the scenario). */
  readonly batchRows: number;
}

export const TINY_CONCURRENCY = 32;
export const WIDE_CONCURRENCIES = [1, 16, 64] as const;
export const RAW_BATCH_SIZES = [1, 8, 16, 32, 64, 128] as const;
/** Offered load in the overload step, as a multiple of the measured capacity. */
export const OVERLOAD_FACTOR = 4;
/** Requests the overload server admits at once; the capacity run uses as many connections. */
export const OVERLOAD_MAX_IN_FLIGHT = 64;
/**
 * Sockets of the open-loop generator, each carrying one request at a time: 8 ×
 * the admission limit on the wire. A server meeting the targets at 4 × a
 * capacity of ~9,000 req/s holds about 64 admitted + 27,000/s × a few ms of
 * rejections ≈ 150–200 requests, so these only run out (requests due then are
 * counted as unsent) when the server is already far from shedding quickly.
 * More sockets would only lengthen the wait of a server that does not keep
 * up, and slow the generator (1,024 multiplied its timer lag several times).
 */
export const OVERLOAD_CONNECTIONS = 512;
/**
 * Cores the generator may use while offering the overload before its verdicts
 * are flagged: it shares the 2 cores with the server, so what it takes the
 * server does not have.
 */
export const OVERLOAD_GENERATOR_CORES = 0.5;
/** Dynamic batching when on: the config defaults, spelled out so the run describes itself. */
export const BATCH_MAX_ROWS = 64;
export const BATCH_MAX_DELAY_US = 500;

const FULL = { warmupS: 2, durationS: 5, repeats: 3, rawTinyRuns: 20_000, rawSecondsPerSize: 2, overloadS: 10, overloadDrainS: 10, graphWarmupS: 1, graphDurationS: 3, queueJobs: 20_000, bullJobs: 10_000, batchRows: 1_000_000 };
// Quick mode must finish in under 60 s on 2 cores, build and model generation included.
const QUICK = { warmupS: 0.4, durationS: 1.5, repeats: 1, rawTinyRuns: 3000, rawSecondsPerSize: 0.2, overloadS: 2.5, overloadDrainS: 2, graphWarmupS: 0.3, graphDurationS: 1, queueJobs: 4000, bullJobs: 2000, batchRows: 100_000 };

export const USAGE = `usage: npm run bench -- [--quick] [--only <ids>] [--build | --no-build]

  --quick         short runs, one repetition (under 60 s)
  --only <ids>    comma-separated step ids or prefixes: trivial, tiny, raw, wide, wide-on, overload, graph, queue, …
  --build         always run npm run build first (default: only when dist/ is older than src/)
  --no-build      never build (benchmark dist/ as it is)
`;

export function parseArgs(argv: readonly string[]): Settings | 'help' {
  let quick = false;
  let only: string[] | undefined;
  let build: BuildPolicy = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--build') build = 'always';
    else if (arg === '--no-build') build = 'never';
    else if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (value === undefined || value === '') throw new UsageError('--only needs a value, e.g. --only wide');
      only = value.split(',').map((s) => s.trim()).filter(Boolean);
    } else throw new UsageError(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { mode: quick ? 'quick' : 'full', only, build, ...(quick ? QUICK : FULL) };
}
