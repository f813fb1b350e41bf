/**
 * `{inputs.X}`, `{outputs.X}` and `{params.X}` in command arguments and `with:`
 * strings. Only `{word.name}` is a placeholder, so other braces (JSON, shell
 * `${VAR}` after env interpolation) pass through untouched.
 */
const PLACEHOLDER = /\{([A-Za-z_]+)\.([A-Za-z0-9_][A-Za-z0-9_-]*)\}/g;

export type PlaceholderNamespace = 'inputs' | 'outputs' | 'params';

export interface Placeholder {
  readonly namespace: string;
  readonly name: string;
  /** The text as written, e.g. `{params.seed}`. */
  readonly text: string;
}

export function findPlaceholders(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ namespace: m[1] ?? '', name: m[2] ?? '', text: m[0] }));
}

export type PlaceholderValues = Readonly<Partial<Record<PlaceholderNamespace, Readonly<Record<string, unknown>>>>>;

/** Fills the placeholders of a string; a placeholder without a value is left as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, namespace: string, name: string) => {
    const value = (values as Record<string, Readonly<Record<string, unknown>> | undefined>)[namespace]?.[name];
    return value === undefined ? whole : typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/**
 * Fills `{params.X}` in `with:` settings, recursively. A string that is exactly one
 * placeholder takes the parameter's typed value (`epochs: "{params.epochs}"` → a number).
 */
export function fillSettings(value: unknown, params: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const [only] = findPlaceholders(value);
    if (only !== undefined && only.text === value && only.namespace === 'params' && params[only.name] !== undefined) return params[only.name];
    return fillPlaceholders(value, { params });
  }
  if (Array.isArray(value)) return value.map((item) => fillSettings(item, params));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillSettings(item, params)]));
  }
  return value;
}

/** Every string inside a settings value, with its path, for validation. */
export function settingStrings(value: unknown, path: readonly (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path: [...path], text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => settingStrings(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => settingStrings(item, [...path, key]));
  return [];
}
