/**
 * Reads `a.b.c` through own properties only, so a configured path can never reach
 * `Object.prototype` (`__proto__.x`, `constructor.name` find nothing). On lists,
 * a segment that is an index reads that item (`"0"`, `"scores.1"`).
 */
export function ownPath(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const key of path.split('.')) at = ownKey(at, key);
  return at;
}

export function ownKey(obj: unknown, key: string): unknown {
  if (Array.isArray(obj)) return /^(0|[1-9]\d*)$/.test(key) ? (obj[Number(key)] as unknown) : undefined;
  return obj !== null && typeof obj === 'object' && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}
