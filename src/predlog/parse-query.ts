import { MlError } from '../errors/ml-error.js';
import { MAX_QUERY_LIMIT, type EventKind, type EventQuery } from '../ports/event-log.js';

/** The filters of `GET /v1/logs` and `mlpatterns logs query`, by their snake_case names. */
export interface RawLogQuery {
  readonly service?: string | undefined;
  readonly model?: string | undefined;
  readonly version?: string | undefined;
  readonly request_id?: string | undefined;
  readonly key?: string | undefined;
  readonly kind?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit?: string | undefined;
  readonly after?: string | undefined;
}

const KINDS: readonly EventKind[] = ['prediction', 'feedback'];
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Checks and converts the raw filters; a bad one is a 400 INVALID_REQUEST naming it. */
export function parseLogQuery(raw: RawLogQuery, now = Date.now()): EventQuery {
  const bad = (reason: string) => new MlError('INVALID_REQUEST', { reason });
  const text = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  const kind = text(raw.kind);
  if (kind !== undefined && !KINDS.includes(kind as EventKind)) throw bad(`"kind" must be one of ${KINDS.join(', ')}`);
  const limitText = text(raw.limit);
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT)) throw bad(`"limit" must be an integer from 1 to ${MAX_QUERY_LIMIT}`);
  const since = instant('since', text(raw.since), now);
  const until = instant('until', text(raw.until), now);
  const fields: [keyof EventQuery, string | undefined][] = [
    ['service', text(raw.service)],
    ['model', text(raw.model)],
    ['version', text(raw.version)],
    ['requestId', text(raw.request_id)],
    ['key', text(raw.key)],
    ['after', text(raw.after)],
    ['kind', kind],
  ];
  return {
    ...Object.fromEntries(fields.filter(([, v]) => v !== undefined)),
    ...(limit !== undefined ? { limit } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
}

/** An ISO-8601 time, or a duration back from now ("15m", "2h", "7d"). */
function instant(name: string, value: string | undefined, now: number): Date | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([smhd])$/.exec(value);
  const at = relative ? now - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 1000) : Date.parse(value);
  if (!Number.isFinite(at)) throw new MlError('INVALID_REQUEST', { reason: `"${name}" must be an ISO-8601 time or a duration like 15m, 2h, 7d` });
  return new Date(at);
}
