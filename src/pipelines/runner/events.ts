import type { TrainingRun, TrainingStep } from '../../ports/training-run-store.js';

/**
 * What a run reports while it goes (the live step list, the line log, the TS
 * API's `onEvent`). Every step ends with one `step-finished` holding its record.
 */
export type PipelineEvent =
  | { readonly type: 'run-started'; readonly run: TrainingRun; readonly steps: readonly string[] }
  | { readonly type: 'step-started'; readonly step: string; readonly attempt: number; readonly maxAttempts: number }
  | {
      readonly type: 'step-progress';
      readonly step: string;
      /** 0…1, or `undefined` when only a message came. */
      readonly fraction: number | undefined;
      readonly message?: string | undefined;
    }
  | { readonly type: 'step-log'; readonly step: string; readonly line: string }
  | { readonly type: 'step-metric'; readonly step: string; readonly name: string; readonly value: number }
  | { readonly type: 'step-retry'; readonly step: string; readonly attempt: number; readonly error: string; readonly delayMs: number }
  | { readonly type: 'step-finished'; readonly record: TrainingStep }
  | { readonly type: 'run-finished'; readonly run: TrainingRun; readonly steps: readonly TrainingStep[] };

export type EventSink = (event: PipelineEvent) => void;
