import type { TrainingStep, TrainingStepStatus } from '../../ports/training-run-store.js';
import type { PipelineEvent } from '../runner/events.js';

export interface LiveStep {
  readonly name: string;
  status: TrainingStepStatus;
  attempt: number;
  maxAttempts: number;
  /** 0…1 from ctx.progress, while running. */
  fraction: number | undefined;
  message: string | undefined;
  /** When the current attempt started (ms since epoch). */
  startedAt: number | undefined;
  /** Set when the step finished. */
  record: TrainingStep | undefined;
  /** Waiting to retry after a failed attempt. */
  retryAt: number | undefined;
}

/** What the live views show, folded from the run's events. */
export class LiveState {
  readonly steps = new Map<string, LiveStep>();
  readonly logs: { step: string; line: string }[] = [];
  runId: string | undefined;
  pipeline: string | undefined;
  startedAt = Date.now();

  constructor(private readonly now: () => number = Date.now) {}

  apply(event: PipelineEvent): void {
    switch (event.type) {
      case 'run-started':
        this.runId = event.run.id;
        this.pipeline = event.run.pipeline;
        this.startedAt = this.now();
        for (const name of event.steps) {
          this.steps.set(name, { name, status: 'pending', attempt: 0, maxAttempts: 1, fraction: undefined, message: undefined, startedAt: undefined, record: undefined, retryAt: undefined });
        }
        break;
      case 'step-started':
        this.update(event.step, { status: 'running', attempt: event.attempt, maxAttempts: event.maxAttempts, startedAt: this.now(), fraction: undefined, message: undefined, retryAt: undefined });
        break;
      case 'step-progress':
        this.update(event.step, { fraction: event.fraction, ...(event.message === undefined ? {} : { message: event.message }) });
        break;
      case 'step-retry':
        this.update(event.step, { retryAt: this.now() + event.delayMs, message: `attempt ${event.attempt} failed: ${event.error.split('\n')[0] ?? ''}` });
        break;
      case 'step-log':
        this.logs.push({ step: event.step, line: event.line });
        if (this.logs.length > 100) this.logs.splice(0, this.logs.length - 100);
        break;
      case 'step-finished':
        this.update(event.record.step, { status: event.record.status, record: event.record, retryAt: undefined });
        break;
      case 'step-metric':
      case 'run-finished':
        break;
    }
  }

  private update(step: string, changes: Partial<LiveStep>): void {
    const current = this.steps.get(step);
    if (current !== undefined) Object.assign(current, changes);
  }
}
