import path from 'node:path';
import type { PipelineDefinition } from './definition.js';
import { resolvePipeline } from './resolve-pipeline.js';
import type { StepFunction } from './types.js';

/** A pipeline.yaml document written in TypeScript; `run:` may also be a function. */
export interface PipelineInput {
  readonly name: string;
  readonly description?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly storage?: { readonly stateDir?: string; readonly metadata?: string; readonly artifacts?: string };
  readonly defaults?: { readonly retries?: number; readonly retryBackoffMs?: number; readonly timeoutMs?: number };
  readonly steps: Readonly<Record<string, StepInput>>;
  /** Folder relative paths (`run: ./x.ts#f`, `files:`, commands' cwd) are read against. @default process.cwd() */
  readonly workDir?: string;
}

export interface StepInput {
  readonly description?: string;
  /** A function (runs in this process) or `./module.ts#export` (runs in a child process). */
  readonly run?: StepFunction | string;
  readonly command?: readonly string[];
  readonly uses?: string;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly outputs?: readonly string[];
  readonly params?: readonly string[];
  readonly with?: Readonly<Record<string, unknown>>;
  readonly files?: readonly string[];
  readonly after?: readonly string[];
  readonly retries?: number;
  readonly retryBackoffMs?: number;
  readonly timeoutMs?: number;
  readonly cache?: boolean;
  readonly version?: string | number;
}

/**
 * Validates a pipeline given in code, with the same rules (and the same
 * PIPELINE_INVALID error listing every problem) as a pipeline.yaml.
 */
export function definePipeline(input: PipelineInput): PipelineDefinition {
  const { workDir, ...document } = input;
  return resolvePipeline(document, { source: `<pipeline ${input.name}>`, workDir: path.resolve(workDir ?? process.cwd()) });
}
