/**
 * Exponential backoff with full jitter (a uniform wait in [0, base·2^attempt)):
 * clients that failed together do not all come back at the same instant.
 * `attempt` is 0 for the first retry.
 */
export function backoffDelay(baseMs: number, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * baseMs * 2 ** attempt);
}

/** A `Retry-After` header in ms (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
