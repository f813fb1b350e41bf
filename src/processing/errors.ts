import { MlError } from '../errors/ml-error.js';
import type { StepEnv } from './define-step.js';

/*
 * Runtime errors of steps, by stage. In `pre` the tensors come from the client,
 * so a wrong shape or dtype is the caller's mistake (400). In `post` they come
 * from the model, so the same problem is a broken package (500, INTERNAL).
 */

/** A tensor a step names is absent. */
export function missingTensor(env: StepEnv, name: string, available: readonly string[]): MlError {
  return env.stage === 'pre'
    ? new MlError('MISSING_INPUT', { input: name })
    : new MlError('UNKNOWN_OUTPUT', { output: name, expected: available.join(', ') });
}

/** A tensor has the wrong dtype for the step. */
export function dtypeError(env: StepEnv, name: string, reason: string): MlError {
  return env.stage === 'pre'
    ? new MlError('INVALID_DTYPE', { input: name, reason: `${env.location}: ${reason}` })
    : new MlError('INTERNAL', { reason: `${env.location}: output "${name}": ${reason}` });
}

/** A tensor has the wrong shape for the step. */
export function shapeError(env: StepEnv, name: string, reason: string): MlError {
  return env.stage === 'pre'
    ? new MlError('INVALID_SHAPE', { input: name, reason: `${env.location}: ${reason}` })
    : new MlError('INTERNAL', { reason: `${env.location}: output "${name}": ${reason}` });
}

/** Anything else that is the package's fault rather than the request's. */
export function stepFailure(env: StepEnv, reason: string, cause?: unknown): MlError {
  return new MlError('INTERNAL', { reason: `${env.location}: ${reason}` }, cause === undefined ? undefined : { cause });
}
