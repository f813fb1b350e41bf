import type { TrainingStep } from '../../src/ports/training-run-store.js';

/** The record of a step that has not run yet (as the runner first saves it), `overrides` on top. */
export function pendingStep(runId: string, step: string, overrides: Partial<TrainingStep> = {}): TrainingStep {
  return {
    runId,
    step,
    position: 0,
    status: 'pending',
    cacheKey: null,
    cacheable: true,
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    error: null,
    reasons: [],
    metrics: {},
    outputs: {},
    logTail: [],
    cachedFrom: null,
    ...overrides,
  };
}
