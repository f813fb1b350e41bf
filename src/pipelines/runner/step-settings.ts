import type { PipelineStep } from '../definition.js';
import { fillSettings, findPlaceholders, settingStrings } from '../placeholders.js';

export interface StepSettings {
  /** `ctx.params`: the pipeline parameters the step lists, then its filled `with:`. */
  readonly params: Record<string, unknown>;
  /** What enters the cache key: the listed and placeholder-named parameters, and the filled `with:`. */
  readonly keyParams: Record<string, unknown>;
  /** `with:` with `{params.X}` filled (what a built-in receives and fingerprints). */
  readonly settings: Record<string, unknown>;
}

export function stepSettings(step: PipelineStep, pipelineParams: Readonly<Record<string, unknown>>): StepSettings {
  const settings = fillSettings(step.with, pipelineParams) as Record<string, unknown>;
  const named = new Set(step.params);
  const texts = [...(step.kind === 'command' ? step.command : []), ...settingStrings(step.with).map((s) => s.text)];
  for (const text of texts) for (const p of findPlaceholders(text)) if (p.namespace === 'params') named.add(p.name);
  const pick = (names: Iterable<string>): Record<string, unknown> => Object.fromEntries([...names].filter((n) => n in pipelineParams).map((n) => [n, pipelineParams[n]]));
  return {
    params: { ...pick(step.params), ...settings },
    keyParams: { params: pick(named), with: settings },
    settings,
  };
}
