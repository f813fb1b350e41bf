import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { interpolateEnv } from '../config/interpolate.js';
import { MlError } from '../errors/ml-error.js';
import type { PipelineDefinition } from './definition.js';
import { resolvePipeline } from './resolve-pipeline.js';

/**
 * Reads pipeline.yaml: `${ENV}` / `${ENV:-default}` interpolation (as in
 * mlpatterns.yaml), YAML, then validation. Every problem is listed in one
 * PIPELINE_INVALID error (exit code 2 from the CLI); relative paths are read
 * against the file's folder.
 */
export async function loadPipeline(file: string, env: NodeJS.ProcessEnv = process.env): Promise<PipelineDefinition> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new MlError('PIPELINE_INVALID', { path: file, problems: `  - cannot read: ${(err as Error).message}` }, { cause: err });
  }
  const { text: interpolated, missing } = interpolateEnv(text, env);
  const earlier = missing.map((name) => `environment variable \${${name}} is not set`);
  let raw: unknown;
  try {
    raw = parseYaml(interpolated) ?? {};
  } catch (err) {
    throw new MlError('PIPELINE_INVALID', { path: file, problems: [...earlier, `not valid YAML: ${(err as Error).message}`].map((p) => `  - ${p}`).join('\n') });
  }
  return resolvePipeline(raw, { source: file, file: absolute, workDir: path.dirname(absolute), earlier });
}
