const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "30m", "1h", "7d", "2w" in ms; a clear error otherwise (the CLI prints it). */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000) : NaN;
  if (!(ms > 0)) throw new Error(`${name} must be a positive duration like 30m, 1h, 1d, 2w (got "${text}")`);
  return ms;
}
