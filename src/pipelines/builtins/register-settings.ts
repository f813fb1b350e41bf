import { z } from 'zod';
import { MlError } from '../../errors/ml-error.js';
import { parseGateRule } from '../../monitoring/expressions.js';
import { assertModelName } from '../../registry/reference.js';
import { parseSettings } from './settings.js';

/**
 * `with:` of `uses: register` (docs/pipeline-builtins.md):
 *
 *   with:
 *     name: iris
 *     alias: candidate          # candidate (train-then-serve) | production (training-to-serving) | none
 *     gate: ["accuracy >= 0.9", "accuracy >= production - 0.02"]
 */
export const registerSettingsSchema = z
  .object({
    /** The registry model the version is registered under. */
    name: z.string().superRefine((name, ctx) => {
      try {
        assertModelName(name);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
    /** The alias moved to the new version once registered. @default "candidate" */
    alias: z.enum(['candidate', 'production', 'none']).default('candidate'),
    /** Rules every one of which must pass, or nothing is registered. @default [] */
    gate: z.array(z.string().min(1)).default([]),
    /** The version's description. @default the package manifest's */
    description: z.string().min(1).optional(),
  })
  .strict();

export type RegisterSettings = z.output<typeof registerSettingsSchema>;

/** Checks the settings and parses every gate rule, so a typo fails when the pipeline loads, not after training. */
export function validateRegisterSettings(settings: Readonly<Record<string, unknown>>): RegisterSettings {
  const parsed = parseSettings(registerSettingsSchema, settings);
  for (const rule of parsed.gate) {
    try {
      parseGateRule(rule);
    } catch (err) {
      throw new MlError('GATE_INVALID', { rule, reason: (err as Error).message });
    }
  }
  return parsed;
}

/** Register's own settings out of `ctx.params` (which may also hold pipeline parameters the step lists). */
export function registerSettingsOf(params: Readonly<Record<string, unknown>>): RegisterSettings {
  const { name, alias, gate, description } = params;
  return validateRegisterSettings(Object.fromEntries(Object.entries({ name, alias, gate, description }).filter(([, v]) => v !== undefined)));
}
