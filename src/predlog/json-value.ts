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
  if (!needsCopy(value)) return value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = toJsonValue(v);
  return copy;
}

/** Whether anything inside needs converting; walks without allocating (it runs for every logged prediction). */
function needsCopy(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (converts(value[i])) return true;
    return false;
  }
  if (ArrayBuffer.isView(value)) return true;
  const record = value as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key) && converts(record[key])) return true;
  return false;
}

function converts(v: unknown): boolean {
  if (typeof v === 'bigint') return true;
  return v !== null && typeof v === 'object' && needsCopy(v);
}
