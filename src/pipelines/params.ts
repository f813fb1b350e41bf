import { MlError } from '../errors/ml-error.js';
import type { ParamSpec, ParamValue } from './definition.js';
import { paramValueProblem } from './schema.js';

/**
 * The parameter values of a run: defaults, then overrides (`--param k=v`
 * strings, or typed values from the TypeScript API), each checked against its
 * declaration. Every problem is listed in one PIPELINE_INVALID error.
 */
export function resolveParams(
  specs: Readonly<Record<string, ParamSpec>>,
  overrides: Readonly<Record<string, unknown>>,
  source: string,
): Record<string, ParamValue> {
  const problems: string[] = [];
  const values: Record<string, ParamValue> = {};
  for (const name of Object.keys(overrides)) {
    if (!(name in specs)) problems.push(`params.${name}: unknown parameter${Object.keys(specs).length > 0 ? ` (known: ${Object.keys(specs).join(', ')})` : ' (the pipeline declares none)'}`);
  }
  for (const [name, spec] of Object.entries(specs)) {
    const given = overrides[name];
    const value = given === undefined ? spec.default : typeof given === 'string' ? parseParam(spec, given) : given;
    if (value === undefined) {
      problems.push(`params.${name}: required (it has no default): pass --param ${name}=<${spec.type}>`);
      continue;
    }
    const problem = paramValueProblem({ ...spec, enum: spec.enum === undefined ? undefined : [...spec.enum] }, value);
    if (problem !== undefined) problems.push(`params.${name}: ${problem}`);
    else values[name] = value as ParamValue;
  }
  if (problems.length > 0) throw new MlError('PIPELINE_INVALID', { path: source, problems: problems.map((p) => `  - ${p}`).join('\n') });
  return values;
}

/** A command-line string as the parameter's type; left a string when it does not parse (the check then says why). */
function parseParam(spec: ParamSpec, text: string): unknown {
  switch (spec.type) {
    case 'string':
      return text;
    case 'boolean':
      if (/^(true|yes|1)$/i.test(text)) return true;
      if (/^(false|no|0)$/i.test(text)) return false;
      return text;
    case 'number':
    case 'integer': {
      const n = text.trim() === '' ? NaN : Number(text);
      return Number.isNaN(n) ? text : n;
    }
  }
}

/** `k=v` flags into overrides; a flag without `=` is an error naming it. */
export function parseParamFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new MlError('INVALID_REQUEST', { reason: `--param must be name=value, got "${flag}"` });
    out[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return out;
}
