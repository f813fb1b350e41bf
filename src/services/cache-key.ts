import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` — the same instance to a model — make the same cache key.
 */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'null'
  );
}

/**
 * The key of one instance at one cache node: the node's identity, the version
 * each model under it serves right now, and the instance. Because the versions
 * are part of the key, an alias move or a new version can never be answered
 * from results of the old one — its entries are simply never asked for again
 * and age out.
 */
export function instanceKey(identity: string, versions: readonly (readonly [model: string, version: string])[], instance: unknown): string {
  return createHash('sha256').update(JSON.stringify([identity, versions, canonicalJson(instance)])).digest('hex');
}
