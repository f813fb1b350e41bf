import { readFileSync } from 'node:fs';

/** A bad flag: the CLI prints it and exits 2. */
export class LoadtestUsageError extends Error {
  override name = 'LoadtestUsageError';
}

export interface LoadPlan {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  ratePerS: number;
  durationMs: number;
  connections: number;
  timeoutMs: number;
}

export interface LoadtestFlags {
  rate?: string;
  duration?: string;
  data?: string;
  body?: string;
  method?: string;
  header?: string[];
  connections?: string;
  timeoutMs?: string;
}

/** The most sockets a run opens unless told otherwise. */
const MAX_DEFAULT_CONNECTIONS = 1000;

/** `500ms`, `30s`, `2m`, `1h` or a bare number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new LoadtestUsageError(`--duration must look like 500ms, 30s, 2m or 1h, got "${text}"`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  const ms = Number(match[1]) * unitMs;
  if (ms < 1) throw new LoadtestUsageError(`--duration must be at least 1ms, got "${text}"`);
  return ms;
}

function positiveNumber(flag: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new LoadtestUsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return n;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LoadtestUsageError(`"${text}" is not a URL (expected http://host:port/path)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoadtestUsageError(`only http:// and https:// URLs are supported, got "${text}"`);
  return url;
}

function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const v of values) {
    const colon = v.indexOf(':');
    if (colon <= 0) throw new LoadtestUsageError(`--header must be name:value, got "${v}"`);
    headers[v.slice(0, colon).trim().toLowerCase()] = v.slice(colon + 1).trim();
  }
  return headers;
}

function readBody(flags: LoadtestFlags, headers: Record<string, string>): Buffer | undefined {
  if (flags.data !== undefined && flags.body !== undefined) throw new LoadtestUsageError('give --data or --body, not both');
  if (flags.data !== undefined) {
    try {
      JSON.parse(flags.data);
    } catch (err) {
      throw new LoadtestUsageError(`--data is not valid JSON: ${(err as Error).message}`);
    }
    headers['content-type'] ??= 'application/json';
    return Buffer.from(flags.data);
  }
  if (flags.body !== undefined) {
    try {
      const bytes = readFileSync(flags.body);
      headers['content-type'] ??= flags.body.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      return bytes;
    } catch (err) {
      throw new LoadtestUsageError(`cannot read --body ${flags.body}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

/**
 * Enough sockets for the rate when answers take up to 100 ms (Little's law:
 * in flight = rate × latency); slower answers queue for a socket, which the
 * report counts and the latency (taken from the scheduled time) includes.
 */
export function defaultConnections(ratePerS: number): number {
  return Math.min(MAX_DEFAULT_CONNECTIONS, Math.max(4, Math.ceil(ratePerS / 10)));
}

/** Checks every flag up front, so a run never starts half-configured. */
export function planFromFlags(target: string, flags: LoadtestFlags): LoadPlan {
  const url = parseUrl(target);
  // Checked here rather than by commander, so a missing flag exits 2 like a bad one.
  if (flags.rate === undefined) throw new LoadtestUsageError('--rate <per-second> is required');
  if (flags.duration === undefined) throw new LoadtestUsageError('--duration <time> is required (500ms, 30s, 2m)');
  const ratePerS = positiveNumber('--rate', flags.rate, false);
  const durationMs = parseDuration(flags.duration);
  const headers = parseHeaders(flags.header ?? []);
  const body = readBody(flags, headers);
  const method = (flags.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new LoadtestUsageError(`--method must be an HTTP method such as GET or POST, got "${flags.method}"`);
  const connections = flags.connections === undefined ? defaultConnections(ratePerS) : positiveNumber('--connections', flags.connections, true);
  const timeoutMs = flags.timeoutMs === undefined ? 10_000 : positiveNumber('--timeout-ms', flags.timeoutMs, true);
  return { url, method, headers, ...(body ? { body } : {}), ratePerS, durationMs, connections, timeoutMs };
}
