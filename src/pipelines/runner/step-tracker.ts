import type { StepOutputRecord, TrainingRunStore, TrainingStep, TrainingStepStatus } from '../../ports/training-run-store.js';
import type { EventSink } from './events.js';
import { LogTail } from './log-tail.js';

/** How a step reports while it runs: what ctx.log/progress/metric end up in. */
export interface StepReporter {
  log(message: string): void;
  progress(done: number, total?: number, message?: string): void;
  metric(name: string, value: number): void;
}

/**
 * The state of one step in one run: collects its logs, metrics and outcome,
 * turns them into the TrainingStep record, saves it and reports events.
 */
export class StepTracker implements StepReporter {
  status: TrainingStepStatus = 'pending';
  cacheKey: string | null = null;
  cacheable = true;
  attempts = 0;
  startedAt: string | null = null;
  finishedAt: string | null = null;
  error: string | null = null;
  reasons: readonly string[] = [];
  outputs: Readonly<Record<string, StepOutputRecord>> = {};
  cachedFrom: string | null = null;
  readonly metrics: Record<string, number> = {};
  readonly logs = new LogTail();

  constructor(
    readonly runId: string,
    readonly step: string,
    readonly position: number,
    private readonly store: TrainingRunStore,
    private readonly emit: EventSink,
  ) {}

  log(message: string): void {
    for (const line of this.logs.add(message)) this.emit({ type: 'step-log', step: this.step, line });
  }

  /** Lines of a child's stdout/stderr, as they arrive. */
  logChunk(chunk: string): void {
    for (const line of this.logs.addChunk(chunk)) this.emit({ type: 'step-log', step: this.step, line });
  }

  flushLog(): void {
    for (const line of this.logs.flush()) this.emit({ type: 'step-log', step: this.step, line });
  }

  progress(done: number, total?: number, message?: string): void {
    const fraction = total === undefined ? done : total > 0 ? done / total : undefined;
    const clamped = fraction === undefined || !Number.isFinite(fraction) ? undefined : Math.min(1, Math.max(0, fraction));
    this.emit({ type: 'step-progress', step: this.step, fraction: clamped, message });
  }

  metric(name: string, value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.log(`metric "${name}" ignored: ${String(value)} is not a finite number`);
      return;
    }
    this.metrics[name] = value;
    this.emit({ type: 'step-metric', step: this.step, name, value });
  }

  record(): TrainingStep {
    return {
      runId: this.runId,
      step: this.step,
      position: this.position,
      status: this.status,
      cacheKey: this.cacheKey,
      cacheable: this.cacheable,
      attempts: this.attempts,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      error: this.error,
      reasons: this.reasons,
      metrics: { ...this.metrics },
      outputs: this.outputs,
      logTail: this.logs.tail(),
      cachedFrom: this.cachedFrom,
    };
  }

  save(): Promise<void> {
    return this.store.saveStep(this.record());
  }

  /** Ends the step with a final status, saves and reports it. */
  async finish(status: TrainingStepStatus, at: Date): Promise<TrainingStep> {
    this.flushLog();
    this.status = status;
    this.finishedAt = at.toISOString();
    const record = this.record();
    await this.store.saveStep(record);
    this.emit({ type: 'step-finished', record });
    return record;
  }
}
