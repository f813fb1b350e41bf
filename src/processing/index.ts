export { buildSteps, type BuildStepsOptions } from './build.js';
export { runSteps } from './run-steps.js';
export { createStepContext, type ProcessingStep, type Stage, type StepContext } from './step.js';
export type { StepFunction } from './steps/module.js';
export type { TopKEntry } from './steps/top-k.js';
