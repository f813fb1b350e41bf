import { isMlError } from '../errors/ml-error.js';
import { instanceKey } from './cache-key.js';
import { keyParts, parseEntry, runInput, versionsOf, type Entry, type RunNode } from './cache-node.js';
import type { RunContext } from './run-context.js';
import type { CacheNode } from './schema.js';

/** What one warm batch did, per instance. */
export interface WarmResult {
  /** Entries computed and written. */
  readonly warmed: number;
  /** Instances whose entry was already stored (or repeated an id earlier in the batch). */
  readonly present: number;
  /** Instances that could not be computed (no id, `input` failed on them, or a partial answer). */
  readonly failed: number;
  /** The first reasons of failure, for the operator. */
  readonly errors: readonly string[];
}

const MAX_REASONS = 5;

/**
 * Pre-computes a cache node's entries under the same keys a request computes
 * (node identity, current model versions, the data id or instance), so the
 * server's first request for them is already a hit. Unlike a request, it waits
 * for the write, and it isolates failures: when `input` fails on a batch, each
 * instance is retried alone, so one bad row costs one entry, not the batch.
 */
export async function warmCacheBatch(
  node: CacheNode,
  instances: readonly unknown[],
  ctx: RunContext,
  run: RunNode,
  /** The dataset row of `instances[0]`, so reasons name dataset rows. */
  firstIndex = 0,
): Promise<WarmResult> {
  const binding = ctx.caches?.get(node);
  if (!binding) throw new Error('the node is not a cache node of this service');
  const versions = versionsOf(binding, ctx);
  if (!versions) throw new Error(`cannot tell the versions of the models under the cache (${binding.models.join(', ')})`);
  const errors: string[] = [];
  const fail = (reason: string): void => void (errors.length < MAX_REASONS && errors.push(reason));
  let failed = 0;
  let present = 0;

  // One key per distinct instance id: a repeated id is computed once.
  const byKey = new Map<string, Row>();
  for (const [i, instance] of instances.entries()) {
    let part: unknown;
    try {
      [part] = keyParts(node, [instance], ctx, firstIndex + i);
    } catch (err) {
      failed++;
      fail(messageOf(err));
      continue;
    }
    const key = instanceKey(binding.identity, versions, part);
    if (byKey.has(key)) present++;
    else byKey.set(key, { index: firstIndex + i, instance });
  }
  const keys = [...byKey.keys()];
  const stored = (await binding.cache.getMany(keys)).map(parseEntry);
  const missing = keys.filter((_, i) => stored[i] === undefined);
  present += keys.length - missing.length;

  const computed = await computeEntries(node, missing.map((k) => byKey.get(k) as Row), ctx, run);
  const writes: [string, string][] = [];
  computed.forEach((result, i) => {
    if ('entry' in result) writes.push([missing[i] ?? '', JSON.stringify(result.entry)]);
    else {
      failed++;
      fail(result.reason);
    }
  });
  await binding.cache.setMany(writes, binding.ttlMs);
  return { warmed: writes.length, present, failed, errors };
}

interface Row {
  /** Its place in the dataset. */
  readonly index: number;
  readonly instance: unknown;
}

type Computed = { readonly entry: Entry } | { readonly reason: string };

async function computeEntries(node: CacheNode, rows: readonly Row[], ctx: RunContext, run: RunNode): Promise<Computed[]> {
  if (rows.length === 0) return [];
  try {
    const { fresh, value } = await runInput(node, rows.map((r) => r.instance), ctx, run);
    if (value.failed) {
      const branches = Object.keys(value.failed).join(', ');
      return rows.map((r) => ({ reason: `instance ${r.index}: partial answer (${branches} failed), not stored` }));
    }
    return fresh.map((entry) => ({ entry }));
  } catch (err) {
    const [only] = rows;
    if (rows.length === 1 && only) return [{ reason: `instance ${only.index}: ${messageOf(err)}` }];
    const alone: Computed[] = [];
    for (const row of rows) alone.push(...(await computeEntries(node, [row], ctx, run)));
    return alone;
  }
}

function messageOf(err: unknown): string {
  if (isMlError(err)) return `${err.message} [${err.code}]`;
  return err instanceof Error ? err.message : String(err);
}
