import type { BatchProgress } from './types.js';

/** Reports at most this often (the CLI redraws its line on each report). */
const MIN_INTERVAL_MS = 200;

/** Counts a run's rows and throttles its progress reports (at most ~5 a second, and a last one at the end). */
export class ProgressMeter {
  rowsDone = 0;
  rowsTotal: number | undefined;
  shardsDone = 0;
  shardsTotal: number | undefined;
  malformedRows = 0;
  /** Rows already done by an earlier invocation: not counted in this one's rate. */
  rowsResumed = 0;
  readonly #started = performance.now();
  #lastReport = -Infinity;

  constructor(
    readonly runId: string,
    private readonly onProgress: ((progress: BatchProgress) => void) | undefined,
  ) {}

  get elapsedMs(): number {
    return performance.now() - this.#started;
  }

  get rowsPerSecond(): number {
    const seconds = this.elapsedMs / 1000;
    return seconds > 0 ? (this.rowsDone - this.rowsResumed) / seconds : 0;
  }

  report(force = false): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.#lastReport < MIN_INTERVAL_MS) return;
    this.#lastReport = now;
    const rate = this.rowsPerSecond;
    const total = this.rowsTotal === undefined ? undefined : Math.max(this.rowsTotal, this.rowsDone);
    this.onProgress({
      runId: this.runId,
      rowsDone: this.rowsDone,
      ...(total !== undefined ? { rowsTotal: total } : {}),
      shardsDone: this.shardsDone,
      ...(this.shardsTotal !== undefined ? { shardsTotal: this.shardsTotal } : {}),
      malformedRows: this.malformedRows,
      elapsedMs: Math.round(this.elapsedMs),
      rowsPerSecond: Math.round(rate),
      ...(total !== undefined && rate > 0 ? { etaSeconds: Math.ceil((total - this.rowsDone) / rate) } : {}),
    });
  }
}
