import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MlError } from '../errors/ml-error.js';
import { formatIssues } from '../package/format-issues.js';
import { interpolateEnv } from './interpolate.js';
import { configSchema, type Config } from './schema.js';
import { resolveTriggerPaths } from '../monitoring/schema.js';
import { resolveSchedulePaths } from '../schedules/resolve-paths.js';

/**
 * Reads, interpolates and validates `mlpatterns.yaml` once at start-up. Every
 * problem is listed in one CONFIG_INVALID error; the result is deep-frozen and
 * relative paths are resolved against the config file's folder.
 */
export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new MlError('CONFIG_INVALID', { path: file, problems: `  - cannot read: ${(err as Error).message}` }, { cause: err });
  }
  const { text: interpolated, missing } = interpolateEnv(text, env);
  const problems = missing.map((name) => `  - environment variable \${${name}} is not set`);
  let raw: unknown;
  try {
    raw = parseYaml(interpolated) ?? {};
  } catch (err) {
    problems.push(`  - not valid YAML: ${(err as Error).message}`);
  }
  if (problems.length > 0) throw new MlError('CONFIG_INVALID', { path: file, problems: problems.join('\n') });
  return resolveConfig(raw, file);
}

/** Validates an in-memory config (the TypeScript API's entry point). */
export function resolveConfig(raw: unknown, file = '<inline>'): Config {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MlError('CONFIG_INVALID', { path: file, problems: formatIssues(parsed.error.issues, { root: '(root)', separator: '\n', bullet: '  - ' }) });
  }
  const base = file === '<inline>' ? process.cwd() : path.dirname(path.resolve(file));
  const cfg = parsed.data;
  const resolved: Config = {
    ...cfg,
    storage: { ...cfg.storage, stateDir: path.resolve(base, cfg.storage.stateDir) },
    queue: { ...cfg.queue, ...(cfg.queue.path !== undefined ? { path: path.resolve(base, cfg.queue.path) } : {}) },
    schedules: cfg.schedules.map((s) => resolveSchedulePaths(s, base)),
    triggers: resolveTriggerPaths(cfg.triggers, base),
    logging: { predictions: { ...cfg.logging.predictions, ...(cfg.logging.predictions.path !== undefined ? { path: path.resolve(base, cfg.logging.predictions.path) } : {}) } },
    models: cfg.models.map((m) => ({
      ...m,
      ...(m.path !== undefined ? { path: path.resolve(base, m.path) } : {}),
      ...(m.labels !== undefined ? { labels: path.resolve(base, m.labels) } : {}),
    })),
  };
  return deepFreeze(resolved);
}


function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
