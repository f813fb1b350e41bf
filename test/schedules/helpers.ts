import type { ScheduleStore } from '../../src/ports/schedule-store.js';
import { scheduleEntrySchema, type ScheduleEntry } from '../../src/schedules/schema.js';

/** A schedule as the config would parse it, with overrides. */
export function scheduleEntry(overrides: Record<string, unknown> = {}): ScheduleEntry {
  return scheduleEntrySchema.parse({
    name: 'nightly',
    cron: '0 2 * * *',
    batch: { model: '/models/iris.onnx', input: '/data/in.jsonl', key: 'id', output: '/data/out.jsonl' },
    retryBackoffMs: 1,
    ...overrides,
  });
}

/** A promise with its resolve at hand: a job that runs until the test lets it finish. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10)); // a poll interval, not a stand-in for an event
  }
}

export type StorePair = () => Promise<{ a: ScheduleStore; b: ScheduleStore }>;
