import type { StepContext, StepFunction, StepResult } from '../types.js';
import { contextData, untilAborted, type Execution } from './execution.js';

/**
 * Runs a step function in the runner's own process (functions handed to the TS
 * API, built-ins). It cannot be killed: on abort the runner stops waiting, and
 * the function should honour `ctx.signal`.
 */
export async function executeInProcess(fn: StepFunction, execution: Execution): Promise<StepResult | void> {
  const ctx: StepContext = {
    ...contextData(execution),
    signal: execution.signal,
    log: (message) => execution.report.log(String(message)),
    progress: (done, total, message) => execution.report.progress(done, total, message),
    metric: (name, value) => execution.report.metric(name, value),
  };
  return untilAborted(Promise.resolve().then(() => fn(ctx)), execution.signal);
}
