/**
 * `${NAME}` and `${NAME:-default}` interpolation of environment variables in
 * config text. A missing variable without a default is reported, not replaced
 * by an empty string, so a typo cannot silently disable a setting.
 */
export function interpolateEnv(
  text: string,
  env: Record<string, string | undefined>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { text: out, missing };
}
