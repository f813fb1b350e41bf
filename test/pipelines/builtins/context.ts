import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { StepContext } from '../../../src/pipelines/types.js';

export interface TestContext extends StepContext {
  readonly logs: string[];
  readonly metrics: Record<string, number>;
}

/**
 * A StepContext as the runner would build it for a built-in: real folders for
 * the outputs (created empty, like the runner's), the inputs as given, the state dir.
 */
export function stepContext(options: {
  root: string;
  stateDir: string;
  params: Record<string, unknown>;
  inputs?: Record<string, string>;
  outputs: readonly string[];
  step?: string;
  run?: string;
  pipeline?: string;
  workDir?: string;
}): TestContext {
  const step = options.step ?? 'step';
  const outputs = Object.fromEntries(
    options.outputs.map((name) => {
      const dir = path.join(options.root, `${step}-${name}-${Math.random().toString(36).slice(2)}`);
      mkdirSync(dir, { recursive: true });
      return [name, dir];
    }),
  );
  const logs: string[] = [];
  const metrics: Record<string, number> = {};
  return {
    run: { id: options.run ?? '20260101-000000-abcdef', pipeline: options.pipeline ?? 'test-pipeline', attempt: 1 },
    step,
    params: options.params,
    inputs: options.inputs ?? {},
    outputs,
    workDir: options.workDir ?? options.root,
    storage: { stateDir: options.stateDir },
    signal: new AbortController().signal,
    log: (line) => logs.push(line),
    progress: () => undefined,
    metric: (name, value) => (metrics[name] = value),
    logs,
    metrics,
  };
}
