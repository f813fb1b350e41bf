import { basename, extname, resolve } from 'node:path';
import { MlError } from '../../errors/ml-error.js';
import type { ServingFunction } from '../serving-function.js';
import { parseDefinition } from './definition.js';
import { createFunctionModel } from './function-model.js';
import { importModule } from './import-module.js';

export interface LoadFunctionModelOptions {
  /** Export holding the model definition. @default "default" */
  readonly exportName?: string;
  /** Model name used in runtime errors. @default the module's file name without extension */
  readonly name?: string;
}

/**
 * Loads a `function` runtime model: a .ts/.mts (compiled on load by tsx) or
 * .js/.mjs module whose export is a FunctionModelDefinition (see
 * `defineFunctionModel`). Any problem with the file or the export is
 * INVALID_MODEL_FILE, raised at load time rather than on the first request.
 */
export async function loadFunctionModel(
  modulePath: string,
  options: LoadFunctionModelOptions = {},
): Promise<ServingFunction> {
  const exportName = options.exportName ?? 'default';
  const file = resolve(modulePath);
  const invalid = (reason: string, cause?: unknown): MlError =>
    new MlError('INVALID_MODEL_FILE', { path: modulePath, reason }, cause === undefined ? undefined : { cause });

  const namespace = await importModule(file).catch((err: unknown) => {
    throw invalid(err instanceof Error ? err.message : String(err), err);
  });
  if (!Object.hasOwn(namespace, exportName)) {
    const available = Object.keys(namespace).join(', ') || 'none';
    throw invalid(`the module has no export "${exportName}" (exports: ${available})`);
  }
  const parsed = parseDefinition(namespace[exportName]);
  if (!parsed.ok) throw invalid(`export "${exportName}" is not a function model: ${parsed.reason}`);
  return createFunctionModel(parsed.definition, options.name ?? basename(file, extname(file)));
}
