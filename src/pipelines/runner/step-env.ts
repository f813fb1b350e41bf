import type { Execution } from './execution.js';

/** `model-v2` → `MODEL_V2`: an env var name part. */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** A parameter's value as an env var: strings as they are, the rest as JSON. */
function envValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The environment of a command step, on top of the runner's: MLP_RUN_ID,
 * MLP_STEP, MLP_WORK_DIR, MLP_INPUT_<X>, MLP_OUTPUT_<X>, MLP_PARAM_<X> (its
 * params and `with:`), MLP_PARAMS_FILE and MLP_METRICS_FILE.
 */
export function stepEnv(execution: Execution, files: { params: string; metrics: string }): Record<string, string> {
  const env: Record<string, string> = {
    MLP_RUN_ID: execution.run.id,
    MLP_PIPELINE: execution.run.pipeline,
    MLP_STEP: execution.step,
    MLP_ATTEMPT: String(execution.run.attempt),
    MLP_WORK_DIR: execution.workDir,
    MLP_PARAMS_FILE: files.params,
    MLP_METRICS_FILE: files.metrics,
  };
  for (const [name, dir] of Object.entries(execution.inputs)) env[`MLP_INPUT_${envName(name)}`] = dir;
  for (const [name, dir] of Object.entries(execution.outputs)) env[`MLP_OUTPUT_${envName(name)}`] = dir;
  for (const [name, value] of Object.entries(execution.params)) env[`MLP_PARAM_${envName(name)}`] = envValue(value);
  return env;
}
