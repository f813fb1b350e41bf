import { MemoryCache } from '../adapters/memory/cache.js';
import { RedisCache } from '../adapters/redis/cache.js';
import type { Cache } from '../ports/cache.js';
import { canonicalJson } from './cache-key.js';
import type { CacheNode, ServiceEntry, ServiceNode } from './schema.js';
import { walkGraph } from './validate-graph.js';

export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** What a cache node needs at request time, worked out once at start-up. */
export interface CacheBinding {
  readonly cache: Cache;
  /** The service that declares the node (metrics label). */
  readonly service: string;
  /** The node's path in that service's graph, e.g. "graph/branches/fast" (metrics label). */
  readonly node: string;
  /** Service, path and the node's own configuration: a changed graph never reads an old graph's entries. */
  readonly identity: string;
  /** Served models under the node (through referenced services), sorted: their versions go into every key. */
  readonly models: readonly string[];
  readonly ttlMs: number;
}

/** Opens the store of one cache node; injectable for tests. */
export type CacheOpener = (node: CacheNode) => Cache;

/**
 * The stores of every cache node of every service. Memory caches are one per
 * node (each has its own bound); Redis connections are one per URL, shared,
 * since keys already carry the node's identity.
 */
export function bindCaches(entries: readonly ServiceEntry[], open?: CacheOpener): { bindings: Map<CacheNode, CacheBinding>; close: () => Promise<void> } {
  const opened: Cache[] = [];
  const redis = new Map<string, Cache>();
  const openDefault: CacheOpener = (node) => {
    if (node.store !== 'redis') return new MemoryCache({ maxEntries: node.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES });
    const url = node.url ?? DEFAULT_REDIS_URL;
    let cache = redis.get(url);
    if (!cache) redis.set(url, (cache = new RedisCache({ url })));
    return cache;
  };
  const byName = new Map(entries.map((e) => [e.name, e]));
  const bindings = new Map<CacheNode, CacheBinding>();
  for (const entry of entries) {
    walkGraph(entry.graph, ['graph'], (node, path) => {
      if (node.type !== 'cache' || bindings.has(node)) return; // a node object reused in two places is one cache
      const cache = (open ?? openDefault)(node);
      if (!opened.includes(cache)) opened.push(cache);
      const at = path.join('/');
      bindings.set(node, {
        cache,
        service: entry.name,
        node: at,
        identity: `${entry.name}\u0000${at}\u0000${canonicalJson(node)}`,
        models: modelsUnder(node.input, byName),
        ttlMs: node.ttlMs ?? DEFAULT_CACHE_TTL_MS,
      });
    });
  }
  return { bindings, close: async () => void (await Promise.all(opened.map((c) => c.close()))) };
}

function modelsUnder(root: ServiceNode, byName: ReadonlyMap<string, ServiceEntry>): string[] {
  const models = new Set<string>();
  const seen = new Set<string>();
  const visit = (graph: ServiceNode): void =>
    walkGraph(graph, [], (node) => {
      if (node.type === 'model') models.add(node.model);
      const ref = node.type === 'service' ? byName.get(node.service) : undefined;
      if (ref && !seen.has(ref.name)) {
        seen.add(ref.name);
        visit(ref.graph);
      }
    });
  visit(root);
  return [...models].sort();
}
