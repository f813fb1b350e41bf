import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BuiltinStep } from './types.js';
import { fillSettings, findPlaceholders, settingStrings } from './placeholders.js';
import { findCycles } from './topo-order.js';

/**
 * What the schema cannot see field by field: references between steps,
 * cycles, outputs, built-ins, placeholders, and files that must exist. Works on
 * the raw document (reading only what has the right type), so these problems
 * are listed together with the schema's, not after they are fixed.
 */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface GraphContext {
  /** Folder relative paths are read against; `undefined` skips the file checks. */
  readonly workDir: string | undefined;
  readonly builtins: Readonly<Record<string, BuiltinStep>>;
}

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw => value !== null && typeof value === 'object' && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function graphProblems(raw: unknown, context: GraphContext): Problem[] {
  if (!isObject(raw) || !isObject(raw.steps)) return [];
  const steps = raw.steps;
  const params = isObject(raw.params) ? raw.params : {};
  const problems: Problem[] = [];
  const outputsOf = new Map<string, string[] | undefined>();
  for (const [name, step] of Object.entries(steps)) {
    if (isObject(step)) outputsOf.set(name, declaredOutputs(step, context.builtins));
  }
  const edges = new Map<string, string[]>();
  for (const [name, step] of Object.entries(steps)) {
    if (!isObject(step)) continue;
    const at = (...rest: (string | number)[]): (string | number)[] => ['steps', name, ...rest];
    const deps: string[] = [];
    if (isObject(step.inputs)) {
      for (const [input, ref] of Object.entries(step.inputs)) {
        if (typeof ref !== 'string') continue;
        const problem = referenceProblem(ref, name, steps, outputsOf);
        if (problem !== undefined) problems.push({ path: at('inputs', input), message: problem });
        else deps.push(ref.slice(0, ref.indexOf('.')));
      }
    }
    for (const [i, other] of strings(step.after).entries()) {
      if (other === name) problems.push({ path: at('after', i), message: 'a step cannot wait for itself' });
      else if (!(other in steps)) problems.push({ path: at('after', i), message: `unknown step "${other}"${known(Object.keys(steps))}` });
      else deps.push(other);
    }
    edges.set(name, deps);
    for (const [i, param] of strings(step.params).entries()) {
      if (!(param in params)) problems.push({ path: at('params', i), message: `unknown pipeline parameter "${param}"${known(Object.keys(params))}` });
    }
    const outputs = strings(step.outputs);
    for (const [i, output] of outputs.entries()) {
      if (outputs.indexOf(output) !== i) problems.push({ path: at('outputs', i), message: `output "${output}" is declared twice` });
    }
    problems.push(...placeholderProblems(step, params, at));
    problems.push(...kindProblems(step, params, context, at));
    if (context.workDir !== undefined) {
      for (const [i, file] of strings(step.files).entries()) {
        if (!existsSync(path.resolve(context.workDir, file))) problems.push({ path: at('files', i), message: `${file} does not exist (relative to ${context.workDir})` });
      }
    }
  }
  for (const cycle of findCycles(edges)) {
    problems.push({ path: ['steps', cycle[0] ?? ''], message: `steps depend on each other in a cycle: ${cycle.join(' → ')}` });
  }
  return problems;
}

/** The outputs a step offers downstream: the declared ones, or a built-in's own; `undefined` when unknown. */
function declaredOutputs(step: Raw, builtins: Readonly<Record<string, BuiltinStep>>): string[] | undefined {
  if (Array.isArray(step.outputs)) return strings(step.outputs);
  if (typeof step.uses === 'string') return builtins[step.uses] === undefined ? undefined : [...(builtins[step.uses]?.outputs ?? [])];
  return [];
}

function referenceProblem(ref: string, self: string, steps: Raw, outputsOf: ReadonlyMap<string, string[] | undefined>): string | undefined {
  const dot = ref.indexOf('.');
  if (dot <= 0 || dot === ref.length - 1) return `"${ref}" is not a reference: write "<step>.<output>"`;
  const [step, output] = [ref.slice(0, dot), ref.slice(dot + 1)];
  if (step === self) return `a step cannot take its own output "${ref}"`;
  if (!(step in steps)) return `unknown step "${step}" in "${ref}"${known(Object.keys(steps))}`;
  const outputs = outputsOf.get(step);
  if (outputs !== undefined && !outputs.includes(output)) {
    return `step "${step}" has no output "${output}" (${outputs.length === 0 ? 'it declares no outputs' : `its outputs: ${[...new Set(outputs)].join(', ')}`})`;
  }
  return undefined;
}

/** `{inputs.X}`/`{outputs.X}`/`{params.X}` in a command; only `{params.X}` in `with:`. */
function placeholderProblems(step: Raw, params: Raw, at: (...rest: (string | number)[]) => (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  const names: Record<string, string[]> = {
    inputs: isObject(step.inputs) ? Object.keys(step.inputs) : [],
    outputs: strings(step.outputs),
    params: Object.keys(params),
  };
  for (const [i, arg] of strings(step.command).entries()) {
    for (const p of findPlaceholders(arg)) {
      const allowed = names[p.namespace];
      if (allowed === undefined) problems.push({ path: at('command', i), message: `unknown placeholder ${p.text}: use {inputs.X}, {outputs.X} or {params.X}` });
      else if (!allowed.includes(p.name)) problems.push({ path: at('command', i), message: `placeholder ${p.text} names no ${owner(p.namespace)}${known(allowed)}` });
    }
  }
  for (const { path: where, text } of settingStrings(step.with, ['with'])) {
    for (const p of findPlaceholders(text)) {
      if (p.namespace !== 'params') problems.push({ path: at(...where), message: `placeholder ${p.text} is not allowed in "with": only {params.X}` });
      else if (!(p.name in params)) problems.push({ path: at(...where), message: `placeholder ${p.text} names no pipeline parameter${known(Object.keys(params))}` });
    }
  }
  return problems;
}

function kindProblems(step: Raw, params: Raw, context: GraphContext, at: (...rest: (string | number)[]) => (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  if (typeof step.run === 'string') {
    const { file, exportName } = splitRun(step.run);
    if (!EXPORT_NAME.test(exportName)) problems.push({ path: at('run'), message: `"${exportName}" is not an export name (write ./module.ts#name)` });
    if (context.workDir !== undefined && !existsSync(path.resolve(context.workDir, file))) {
      problems.push({ path: at('run'), message: `module ${file} does not exist (relative to ${context.workDir})` });
    }
  }
  if (typeof step.uses === 'string') {
    const builtin = context.builtins[step.uses];
    if (builtin === undefined) return [...problems, { path: at('uses'), message: `unknown built-in "${step.uses}"${known(Object.keys(context.builtins))}` }];
    for (const [i, output] of strings(step.outputs).entries()) {
      if (!builtin.outputs.includes(output)) problems.push({ path: at('outputs', i), message: `built-in "${step.uses}" has no output "${output}" (its outputs: ${builtin.outputs.join(', ') || 'none'})` });
    }
    const settings = settingsWithDefaults(step.with, params);
    if (builtin.validate !== undefined && settings !== undefined) {
      try {
        builtin.validate(settings);
      } catch (err) {
        problems.push({ path: at('with'), message: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return problems;
}

/** `with:` filled with the parameters' defaults, or `undefined` when a placeholder's parameter has none (checked at run time then). */
function settingsWithDefaults(settings: unknown, params: Raw): Record<string, unknown> | undefined {
  if (settings !== undefined && !isObject(settings)) return undefined;
  const defaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(params)) if (isObject(spec) && spec.default !== undefined) defaults[name] = spec.default;
  const missing = settingStrings(settings ?? {}).some(({ text }) => findPlaceholders(text).some((p) => p.namespace === 'params' && defaults[p.name] === undefined));
  return missing ? undefined : (fillSettings(settings ?? {}, defaults) as Record<string, unknown>);
}

/** `./steps.ts#train` → file and export (`default` without `#`). */
export function splitRun(run: string): { file: string; exportName: string } {
  const hash = run.lastIndexOf('#');
  return hash < 0 ? { file: run, exportName: 'default' } : { file: run.slice(0, hash), exportName: run.slice(hash + 1) };
}

function owner(namespace: string): string {
  return namespace === 'params' ? 'pipeline parameter' : `${namespace.slice(0, -1)} of this step`;
}

function known(names: readonly string[]): string {
  return names.length === 0 ? '' : ` (known: ${[...new Set(names)].join(', ')})`;
}
