import { createHash, randomUUID } from 'node:crypto';

/**
 * Job ids of the BullMQ adapter. BullMQ ids are only unique within a queue,
 * but the port's ids are unique across queues (GET /v1/jobs/{id} names no
 * queue), so the public id carries the queue: `<queue>.<bullId>`, or
 * `~<base64url(queue)>.<bullId>` for a queue name that is not URL-safe.
 * Nothing is looked up to resolve an id, so no index can drift from the jobs.
 *
 * A keyed job's BullMQ id is derived from its key, so once the job is gone
 * (retention) the next job with that key gets the same BullMQ id; its public
 * id adds a generation (`.<gen>`, from the enqueue's random nonce) so the two
 * jobs' ids differ and the old id does not find the new job.
 */

const URL_SAFE_QUEUE = /^[A-Za-z0-9_-]+$/;

export interface BullJobRef {
  readonly queue: string;
  readonly bullId: string;
}

/** The generation a keyed job's public id carries: the start of its enqueue nonce. */
export function keyedGeneration(bullId: string, nonce: string | undefined): string | undefined {
  return bullId.startsWith('key-') && nonce ? nonce.replace(/-/g, '').slice(0, 12) : undefined;
}

/**
 * The BullMQ job id: random, or derived from the idempotency key, so that
 * BullMQ's own duplicate-id check makes keyed submission atomic.
 */
export function newBullId(key: string | undefined): string {
  if (key === undefined) return randomUUID();
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

export function publicJobId(queue: string, bullId: string, generation?: string): string {
  const encoded = URL_SAFE_QUEUE.test(queue) ? queue : `~${Buffer.from(queue).toString('base64url')}`;
  return generation === undefined ? `${encoded}.${bullId}` : `${encoded}.${bullId}.${generation}`;
}

/**
 * The queue and BullMQ id inside a public id; undefined for ids this adapter
 * never made. (The generation is checked by comparing the whole id with the
 * stored job's.)
 */
export function parseJobId(id: string): BullJobRef | undefined {
  const [encoded, bullId, generation, ...rest] = id.split('.');
  if (!encoded || !bullId || rest.length > 0 || generation === '' || bullId.includes(':')) return undefined;
  if (!encoded.startsWith('~')) return URL_SAFE_QUEUE.test(encoded) ? { queue: encoded, bullId } : undefined;
  const queue = Buffer.from(encoded.slice(1), 'base64url').toString();
  return queue === '' || queue.includes(':') ? undefined : { queue, bullId };
}
