import type { Redis } from 'ioredis';
import { CANCELLED_FIELD, type BullState } from './job-queue-view.js';

/**
 * The three things BullMQ has no atomic operation for, as Lua scripts over
 * BullMQ's key layout (`<prefix>:<queue>:wait|paused|delayed|prioritized|
 * waiting-children|active|completed|failed`, job hash `<prefix>:<queue>:<id>`)
 * plus one key of the adapter's own, `<prefix>:<queue>:mlp-cancelled` (a
 * sorted set of cancelled job ids by cancel time, for counts). Each runs
 * atomically, so it never sees a job half-way between two BullMQ states
 * (BullMQ moves jobs with Lua scripts too). LPOS needs Redis ≥ 6.0.6.
 */

/** The job hash and its state in one step. */
const READ = `
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return nil end
local id = ARGV[1]
local state = 'queued'
if redis.call('ZSCORE', KEYS[2], id) then state = 'completed'
elseif redis.call('ZSCORE', KEYS[3], id) then state = 'failed'
elseif redis.call('LPOS', KEYS[4], id) then state = 'active' end
return {state, h}
`;

/**
 * Marks the job cancelled unless it is finished. A waiting, delayed or
 * prioritized job leaves its list for the failed set at once (BullMQ's
 * retention then removes it like any failed job); an active one stays where it
 * is and its worker, which polls the mark, aborts it.
 */
const CANCEL = `
local id, now = ARGV[1], ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HEXISTS', KEYS[1], '${CANCELLED_FIELD}') == 1 then return 'cancelled' end
if redis.call('ZSCORE', KEYS[2], id) or redis.call('ZSCORE', KEYS[3], id) then return 'finished' end
redis.call('HSET', KEYS[1], '${CANCELLED_FIELD}', now)
redis.call('ZADD', KEYS[9], now, id)
if redis.call('LPOS', KEYS[4], id) then return 'running' end
redis.call('LREM', KEYS[5], 0, id)
redis.call('LREM', KEYS[6], 0, id)
redis.call('ZREM', KEYS[7], id)
redis.call('ZREM', KEYS[8], id)
redis.call('ZADD', KEYS[3], now, id)
redis.call('HSET', KEYS[1], 'finishedOn', now)
return 'cancelled'
`;

/**
 * Jobs by port status. Finished jobs count until their retention ends (BullMQ
 * removes them lazily, so older ones may still be there). Cancelled jobs sit
 * in BullMQ's failed set (or, for a moment, in active while their handler
 * stops), so they are moved from those counts to "cancelled".
 */
const COUNTS = `
local min = ARGV[1]
local queued = redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2]) + redis.call('ZCARD', KEYS[3])
  + redis.call('ZCARD', KEYS[4]) + redis.call('ZCARD', KEYS[5])
local running = redis.call('LLEN', KEYS[6])
local succeeded = redis.call('ZCOUNT', KEYS[7], '(' .. min, '+inf')
local failed = redis.call('ZCOUNT', KEYS[8], '(' .. min, '+inf')
local cancelled = 0
redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', min)
for _, id in ipairs(redis.call('ZRANGE', KEYS[9], 0, -1)) do
  local f = redis.call('ZSCORE', KEYS[8], id)
  local c = redis.call('ZSCORE', KEYS[7], id)
  if f then
    if tonumber(f) > tonumber(min) then failed = failed - 1; cancelled = cancelled + 1 end
  elseif c then
    if tonumber(c) > tonumber(min) then succeeded = succeeded - 1; cancelled = cancelled + 1 end
  elseif redis.call('LPOS', KEYS[6], id) then running = running - 1; cancelled = cancelled + 1
  elseif redis.call('EXISTS', ARGV[2] .. id) == 1 then queued = queued - 1; cancelled = cancelled + 1 end
end
return {queued, running, succeeded, failed, cancelled}
`;

/**
 * A queue's Redis keys, BullMQ's layout (`<prefix>:<queue>:<type>`; a job hash
 * is `<prefix>:<queue>:<job id>`). Computed rather than taken from a BullMQ
 * Queue object, so reading a job by id creates nothing.
 */
export type QueueKeyOf = (type: string) => string;

export function queueKeys(prefix: string, queue: string): QueueKeyOf {
  return (type) => `${prefix}:${queue}:${type}`;
}

/** Sorted set of cancelled job ids (score: cancel time); the adapter's only key outside BullMQ's. */
export const CANCELLED_SET = 'mlp-cancelled';

export type CancelOutcome = 'missing' | 'cancelled' | 'finished' | 'running';

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

export class QueueScripts {
  readonly #client: Redis;

  constructor(client: Redis) {
    this.#client = client;
    client.defineCommand('mlpJobRead', { numberOfKeys: 4, lua: READ, readOnly: true });
    client.defineCommand('mlpJobCancel', { numberOfKeys: 9, lua: CANCEL });
    client.defineCommand('mlpJobCounts', { numberOfKeys: 9, lua: COUNTS });
  }

  async read(k: QueueKeyOf, bullId: string): Promise<{ state: BullState; raw: Record<string, string> } | undefined> {
    const reply = (await this.#call('mlpJobRead', k(bullId), k('completed'), k('failed'), k('active'), bullId)) as
      | [BullState, string[]]
      | null;
    if (!reply) return undefined;
    const [state, flat] = reply;
    const raw: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i] as string] = flat[i + 1] as string;
    return { state, raw };
  }

  async cancel(k: QueueKeyOf, bullId: string, now: number): Promise<CancelOutcome> {
    return (await this.#call(
      'mlpJobCancel',
      k(bullId),
      k('completed'),
      k('failed'),
      k('active'),
      k('wait'),
      k('paused'),
      k('delayed'),
      k('prioritized'),
      k(CANCELLED_SET),
      bullId,
      now,
    )) as CancelOutcome;
  }

  async counts(k: QueueKeyOf, minFinishedMs: number): Promise<[number, number, number, number, number]> {
    return (await this.#call(
      'mlpJobCounts',
      k('wait'),
      k('paused'),
      k('delayed'),
      k('prioritized'),
      k('waiting-children'),
      k('active'),
      k('completed'),
      k('failed'),
      k(CANCELLED_SET),
      minFinishedMs,
      k(''),
    )) as [number, number, number, number, number];
  }

  #call(name: string, ...args: (string | number)[]): Promise<unknown> {
    const fn = (this.#client as unknown as Record<string, ScriptFn>)[name] as ScriptFn;
    return fn.apply(this.#client, args);
  }
}
