/** Parses an integer CLI flag or throws a one-line error naming the flag. */
export function parseIntFlag(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Parses repeated `--tag k=v` flags. */
export function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new Error(`--tag must be key=value, got "${v}"`);
    tags[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return tags;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
