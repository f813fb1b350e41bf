import path from 'node:path';
import { MemoryCache } from '../adapters/memory/cache.js';
import { RedisCache } from '../adapters/redis/cache.js';
import { SqliteCache } from '../adapters/sqlite/cache.js';
import type { Cache } from '../ports/cache.js';
import { canonicalJson } from './cache-key.js';
import type { CacheNode, ServiceEntry, ServiceNode } from './schema.js';
import { walkGraph } from './validate-graph.js';

export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Where `store: sqlite` files go without a configured state directory (relative to the working directory). */
export const DEFAULT_STATE_DIR = '.mlpatterns';
export const DEFAULT_SQLITE_CACHE_FILE = 'cache.sqlite';

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
 * node (each has its own bound); Redis connections are one per URL and SQLite
 * files one per path, shared, since keys already carry the node's identity.
 * `stateDir` is where SQLite cache files are resolved (the config's storage.stateDir).
 */
export function bindCaches(
  entries: readonly ServiceEntry[],
  open?: CacheOpener,
  stateDir: string = DEFAULT_STATE_DIR,
): { bindings: Map<CacheNode, CacheBinding>; close: () => Promise<void> } {
  const opened: Cache[] = [];
  const shared = new Map<string, Cache>();
  const once = (id: string, make: () => Cache): Cache => {
    let cache = shared.get(id);
    if (!cache) shared.set(id, (cache = make()));
    return cache;
  };
  const openDefault: CacheOpener = (node) => {
    if (node.store === 'redis') {
      const url = node.url ?? DEFAULT_REDIS_URL;
      return once(`redis:${url}`, () => new RedisCache({ url }));
    }
    if (node.store === 'sqlite') {
      const file = sqliteCachePath(node, stateDir);
      return once(`sqlite:${file}`, () => new SqliteCache({ path: file }));
    }
    return new MemoryCache({ maxEntries: node.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES });
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

/** The file of a `store: sqlite` node: `path` (relative to the state directory), else `<stateDir>/cache.sqlite`. */
export function sqliteCachePath(node: CacheNode, stateDir: string = DEFAULT_STATE_DIR): string {
  return path.resolve(stateDir, node.path ?? DEFAULT_SQLITE_CACHE_FILE);
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
