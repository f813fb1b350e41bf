import { z } from 'zod';
import type { StepFunction } from './types.js';

/**
 * The shape of pipeline.yaml (docs/training-pipelines.md), field by field.
 * What needs the whole file — references between steps, cycles, outputs,
 * built-ins, placeholders, files on disk — is checked by graph-problems.ts,
 * which reports its problems together with these.
 */

export const PIPELINE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** Step, input and output names: no dots, since `<step>.<output>` joins them. */
export const ITEM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const itemName = (what: string): z.ZodString => z.string().regex(ITEM_NAME, `invalid ${what} name: use letters, digits, "_" and "-" (no dots)`);
const paramName = z.string().regex(PARAM_NAME, 'invalid parameter name: use letters, digits and "_", not starting with a digit');

const paramValue = z.union([z.number(), z.string(), z.boolean()]);

export const paramSpecSchema = z
  .object({
    type: z.enum(['number', 'integer', 'string', 'boolean']),
    /** Without a default the parameter must be given (`--param name=value`). */
    default: paramValue.optional(),
    /** Bounds of a number/integer parameter (inclusive). */
    min: z.number().optional(),
    max: z.number().optional(),
    /** The only values allowed. */
    enum: z.array(paramValue).min(1).optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const numeric = spec.type === 'number' || spec.type === 'integer';
    if (!numeric && (spec.min !== undefined || spec.max !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min/max apply to number and integer parameters, not ${spec.type}` });
    }
    for (const [i, value] of (spec.enum ?? []).entries()) {
      const problem = paramValueProblem(spec, value, false);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['enum', i], message: problem });
    }
    if (spec.default !== undefined) {
      const problem = paramValueProblem(spec, spec.default, true);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: problem });
    }
  });

/** Why a value does not fit a parameter, or `undefined` when it does. */
export function paramValueProblem(spec: z.output<typeof paramSpecSchema>, value: unknown, checkEnum = true): string | undefined {
  const shown = JSON.stringify(value);
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') return `expected a boolean, got ${shown}`;
      break;
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${shown}`;
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a finite number, got ${shown}`;
      if (spec.type === 'integer' && !Number.isInteger(value)) return `expected an integer, got ${shown}`;
      if (spec.min !== undefined && value < spec.min) return `${shown} is below the minimum ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${shown} is above the maximum ${spec.max}`;
      break;
  }
  if (checkEnum && spec.enum !== undefined && !spec.enum.includes(value)) {
    return `${shown} is not one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
}

const stepFunction = z.custom<StepFunction>((value) => typeof value === 'function', { message: 'expected a function' });

export const stepSchema = z
  .object({
    description: z.string().optional(),
    /** `./module.ts#export` (relative to the pipeline file; `.ts` via tsx, `.js`/`.mjs`), or a function (TypeScript API). */
    run: z.union([z.string().min(1), stepFunction]).optional(),
    /** An external program: argv with `{inputs.X}`, `{outputs.X}`, `{params.X}` placeholders. */
    command: z.array(z.string()).min(1).optional(),
    /** A built-in step (`read-data`, `register`, …). */
    uses: z.string().min(1).optional(),
    /** Input name → `<step>.<output>`. @default {} */
    inputs: z.record(itemName('input'), z.string()).default({}),
    /** Output folders the step fills. @default [] (a built-in's own outputs) */
    outputs: z.array(itemName('output')).optional(),
    /** Pipeline parameters the step receives. @default [] */
    params: z.array(paramName).default([]),
    /** Constant settings; strings may hold `{params.X}`. @default {} */
    with: z.record(z.string(), z.unknown()).default({}),
    /** Files or folders (relative to the pipeline file) whose bytes enter the cache key. @default [] */
    files: z.array(z.string().min(1)).default([]),
    /** Steps to wait for although no input comes from them. @default [] */
    after: z.array(z.string()).default([]),
    retries: z.number().int().min(0).max(100).optional(),
    retryBackoffMs: z.number().int().min(0).optional(),
    timeoutMs: z.number().int().min(1).optional(),
    /** `false`: always runs (never reused from another run). @default true */
    cache: z.boolean().default(true),
    /** Manual code version, part of the cache key. */
    version: z.union([z.string(), z.number()]).transform(String).optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    const kinds = (['run', 'command', 'uses'] as const).filter((kind) => step[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: `give exactly one of "run", "command" and "uses" (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
    }
  });

export const pipelineSchema = z
  .object({
    name: z.string().regex(PIPELINE_NAME, 'invalid pipeline name: use letters, digits, ".", "_" and "-"'),
    description: z.string().optional(),
    /** Typed parameters. @default {} */
    params: z.record(paramName, paramSpecSchema).default({}),
    /** Same meaning as `storage:` in mlpatterns.yaml; `stateDir` relative to the cwd. */
    storage: z
      .object({ stateDir: z.string().min(1).optional(), metadata: z.string().min(1).optional(), artifacts: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Per-step defaults. */
    defaults: z
      .object({
        /** @default 0 */
        retries: z.number().int().min(0).max(100).optional(),
        /** @default 1000 */
        retryBackoffMs: z.number().int().min(0).optional(),
        /** @default 3600000 (one hour) */
        timeoutMs: z.number().int().min(1).optional(),
      })
      .strict()
      .default({}),
    steps: z.record(itemName('step'), stepSchema).refine((steps) => Object.keys(steps).length > 0, 'a pipeline needs at least one step'),
  })
  .strict();

export type PipelineFile = z.output<typeof pipelineSchema>;
export type StepEntry = z.output<typeof stepSchema>;
export type ParamSpecEntry = z.output<typeof paramSpecSchema>;
