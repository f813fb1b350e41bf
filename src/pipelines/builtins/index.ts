import type { BuiltinStep } from '../types.js';
import { readData } from './read-data.js';
import { register } from './register.js';

/**
 * The built-in steps a pipeline names with `uses: <name>` (docs/pipeline-builtins.md).
 * Each entry lives in its own file in this folder; the runner runs them in its own process.
 */
export const BUILTIN_STEPS: Readonly<Record<string, BuiltinStep>> = {
  'read-data': readData,
  register,
};
