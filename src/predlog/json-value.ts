/**
 * A copy of a prediction's inputs or outputs that JSON can hold: typed arrays
 * (OIP tensors) become plain arrays, bigints numbers (strings beyond 2^53).
 * Objects are copied only when they hold something to convert, so the common
 * case (JSON instances) is not copied at all.
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toJsonValue);
  if (Array.isArray(value)) return needsCopy(value) ? value.map(toJsonValue) : value;
  if (!needsCopy(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = toJsonValue(v);
  return copy;
}

function needsCopy(value: object): boolean {
  for (const v of Object.values(value) as unknown[]) {
    if (typeof v === 'bigint' || ArrayBuffer.isView(v)) return true;
    if (v !== null && typeof v === 'object' && needsCopy(v)) return true;
  }
  return false;
}
