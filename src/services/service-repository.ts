import { MlError } from '../errors/ml-error.js';
import { bindCaches, type CacheBinding, type CacheOpener } from './cache-bindings.js';
import type { NodeValue } from './node-value.js';
import { RemoteClients, type RemoteClientsOptions } from './remote/client.js';
import type { CacheEvent, ModelRunner, RequestAttributes } from './run-context.js';
import { runNode } from './run-node.js';
import type { CacheNode, ServiceEntry, ServiceNode } from './schema.js';
import { walkGraph } from './validate-graph.js';

export interface RunServiceOptions {
  readonly requestId: string;
  readonly runModel: ModelRunner;
  /** Headers and body fields that condition rules read (`requestAttributes` builds them from a request). */
  readonly request?: RequestAttributes;
  /** Clock of `hour` rules. @default the repository's `now`, else the system clock */
  readonly now?: () => Date;
}

export interface ServiceRepositoryOptions {
  /** Told every cache hit, miss and error (the server counts them in mlpatterns_cache_requests_total). */
  readonly onCache?: (event: CacheEvent) => void;
  /** Opens the store of a cache node. @default memory LRU per node; one Redis connection per URL */
  readonly openCache?: CacheOpener;
  /** Clock of `hour` rules, for every run. @default () => new Date() */
  readonly now?: () => Date;
  /** Told every remote call's outcome and every breaker state change (the server's metrics). */
  readonly onRemote?: RemoteClientsOptions['onRemote'];
  readonly onBreaker?: RemoteClientsOptions['onBreaker'];
}

/**
 * The services a server serves, by name. Entries come from config or from the
 * builders (builders.ts) — the same plain objects, validated by the same schema.
 */
export class ServiceRepository {
  readonly #entries: ReadonlyMap<string, ServiceEntry>;
  readonly #caches: ReadonlyMap<CacheNode, CacheBinding>;
  readonly #closeCaches: () => Promise<void>;
  readonly #onCache: ((event: CacheEvent) => void) | undefined;
  readonly #now: (() => Date) | undefined;
  readonly #remotes: RemoteClients;

  constructor(entries: readonly ServiceEntry[], options: ServiceRepositoryOptions = {}) {
    this.#entries = new Map(entries.map((e) => [e.name, e]));
    // Stores open lazily (Redis connects on first use), so building this costs no I/O.
    const { bindings, close } = bindCaches(entries, options.openCache);
    this.#caches = bindings;
    this.#closeCaches = close;
    this.#onCache = options.onCache;
    this.#now = options.now;
    // Pools connect on first use, like the caches: no I/O here.
    this.#remotes = new RemoteClients({
      ...(options.onRemote ? { onRemote: options.onRemote } : {}),
      ...(options.onBreaker ? { onBreaker: options.onBreaker } : {}),
    });
  }

  /** Closes the cache stores (Redis connections) and the remote nodes' connection pools. */
  async close(): Promise<void> {
    await Promise.all([this.#closeCaches(), this.#remotes.close()]);
  }

  get(name: string): ServiceEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new MlError('SERVICE_NOT_FOUND', { name });
    return entry;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Runs the named service on a batch of instances. */
  run(name: string, instances: readonly unknown[], options: RunServiceOptions): Promise<NodeValue> {
    const entry = this.get(name);
    const now = options.now ?? this.#now;
    return runNode(entry.graph, instances, {
      service: name,
      requestId: options.requestId,
      runModel: options.runModel,
      graphOf: (service) => this.get(service).graph,
      branchPath: '',
      input: instances,
      caches: this.#caches,
      remotes: this.#remotes,
      ...(this.#onCache ? { onCache: this.#onCache } : {}),
      ...(options.request ? { request: options.request } : {}),
      ...(now ? { now } : {}),
    });
  }

  /** Served models the service calls, through referenced services too, each once, in graph order. */
  modelsOf(name: string): string[] {
    const models = new Set<string>();
    const seen = new Set<string>();
    const visit = (graph: ServiceNode): void =>
      walkGraph(graph, [], (node) => {
        if (node.type === 'model') models.add(node.model);
        if (node.type === 'service' && !seen.has(node.service)) {
          seen.add(node.service); // start-up refuses cycles; the set is a second guard
          visit(this.get(node.service).graph);
        }
      });
    visit(this.get(name).graph);
    return [...models];
  }
}
