import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

/**
 * The NATS server (with JetStream) the suites run against.
 * @default "nats://127.0.0.1:4222" (override with MLPATTERNS_TEST_NATS_URL)
 */
export const TEST_NATS_URL = process.env.MLPATTERNS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface NatsAvailability {
  readonly available: boolean;
  /** Why the suite is skipped; `''` when available. */
  readonly reason: string;
}

/**
 * Checks that the test server answers and has JetStream. When it does not: in
 * CI (`CI=true`) throws, because a suite that silently skips there hides
 * regressions; elsewhere warns and reports it unavailable so the caller can skip.
 */
export async function requireNats(suite: string, url = TEST_NATS_URL): Promise<NatsAvailability> {
  try {
    const nc = await connect({ servers: url, timeout: 3000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(nc, { timeout: 3000 })).getAccountInfo();
    } finally {
      await nc.close();
    }
    return { available: true, reason: '' };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const message = `NATS JetStream is not reachable at ${url} (${detail}); suite "${suite}" needs it`;
    if (process.env.CI === 'true') throw new Error(`${message}. In CI this is a failure, not a skip.`, { cause: err });
    console.warn(`[skip] ${message}. Skipping (set CI=true to make this fail).`);
    return { available: false, reason: `(skipped: ${message})` };
  }
}

/** A stream name and subject prefix no other run uses, so suites can run in parallel against one server. */
export function uniqueStream(): { stream: string; subjectPrefix: string } {
  const id = `${process.pid}_${randomBytes(6).toString('hex')}`;
  return { stream: `MLP_TEST_${id}`, subjectPrefix: `mlp_test.${id}` };
}

/** Deletes the streams (missing ones are fine). */
export async function deleteStreams(streams: readonly string[], url = TEST_NATS_URL): Promise<void> {
  if (streams.length === 0) return;
  const nc = await connect({ servers: url, timeout: 3000 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
