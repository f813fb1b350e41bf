import { z } from 'zod';
import { formatIssues } from '../../package/format-issues.js';
import { tensorSpecSchema } from '../../package/manifest.js';
import type { FunctionModelDefinition } from './define.js';

const specList = z.array(tensorSpecSchema).refine((specs) => new Set(specs.map((s) => s.name)).size === specs.length, {
  message: 'tensor names must be unique',
});

const signatureSchema = z.object({
  inputs: specList.min(1),
  outputs: specList.min(1),
  default: z.boolean().optional(),
});

const callable = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'must be a function',
});

/** The runtime check behind the `FunctionModelDefinition` type: modules are plain JS at load time. */
const definitionSchema = z.looseObject({
  signatures: z
    .record(z.string().min(1), signatureSchema)
    .refine((sigs) => Object.keys(sigs).length > 0, { message: 'must declare at least one signature' })
    .refine((sigs) => Object.values(sigs).filter((s) => s.default === true).length <= 1, {
      message: 'at most one signature can be the default',
    }),
  run: callable,
  dispose: callable.optional(),
});

/** Validates a module export as a function model; returns the problems as one reason on failure. */
export function parseDefinition(
  value: unknown,
): { ok: true; definition: FunctionModelDefinition } | { ok: false; reason: string } {
  const parsed = definitionSchema.safeParse(value);
  if (parsed.success) {
    // The schema checked every field the type promises; `run`/`dispose` keep their identity.
    return { ok: true, definition: value as FunctionModelDefinition };
  }
  return { ok: false, reason: formatIssues(parsed.error.issues) };
}
