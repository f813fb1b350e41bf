import type { Config } from '../config/schema.js';
import { MlError } from '../errors/ml-error.js';
import type { ServiceRepository } from '../services/service-repository.js';
import { graphProblems } from '../services/validate-graph.js';

export interface ReloadOutcome {
  /** The services now served. */
  readonly services: readonly string[];
  /** What the reload did not apply (model changes need a restart). */
  readonly warnings: readonly string[];
}

/**
 * Parameter reload: applies the `services:` of a freshly read config (thresholds,
 * `active` switches, rules, timeouts, whole graphs) to a running server without
 * a restart. Models are not reloaded — a changed `models:` list is reported, not
 * applied — so the new graphs are checked against the models actually served;
 * an invalid config changes nothing and is thrown as CONFIG_INVALID.
 */
export async function reloadServices(services: ServiceRepository, servedModels: readonly string[], next: Config, current: Config): Promise<ReloadOutcome> {
  const problems = graphProblems(next.services, new Set(servedModels));
  if (problems.length > 0) {
    const lines = problems.map((p) => `  - ${p.path.join('.')}: ${p.message}`);
    throw new MlError('CONFIG_INVALID', { path: 'reloaded services', problems: lines.join('\n') });
  }
  await services.replace(next.services);
  return { services: next.services.map((s) => s.name), warnings: modelChanges(current, next) };
}

function modelChanges(current: Config, next: Config): string[] {
  const before = new Map(current.models.map((m) => [m.name, JSON.stringify(m)]));
  const after = new Map(next.models.map((m) => [m.name, JSON.stringify(m)]));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name));
  return changed.length > 0 ? [`models are not reloaded (restart to apply): ${changed.join(', ')} changed`] : [];
}
