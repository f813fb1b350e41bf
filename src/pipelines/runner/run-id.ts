import { randomBytes } from 'node:crypto';

/** `YYYYMMDD-HHMMSS-<6 hex>` (UTC): sorts by start time and is short enough to type after `--resume`. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
