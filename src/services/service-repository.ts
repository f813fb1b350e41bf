import { MemoryJobStore } from '../adapters/memory/job-store.js';
import { MlError } from '../errors/ml-error.js';
import type { JobStore } from '../ports/job-store.js';
import type { InstanceKey } from '../protocol/friendly.js';
import { BackgroundJobs, type JobEvent } from './background-jobs.js';
import { bindCaches, type CacheBinding, type CacheOpener } from './cache-bindings.js';
import { warmCacheBatch, type WarmResult } from './cache-warm.js';
import { bindLookups, type LookupBinding } from './lookup-bindings.js';
import { LookupConnections } from './lookup-table.js';
import type { NodeValue } from './node-value.js';
import { RemoteClients, type RemoteClientsOptions } from './remote/client.js';
import type { CacheEvent, LookupEvent, ModelRunner, RequestAttributes } from './run-context.js';
import type { ShadowEvent } from './shadow.js';
import type { SplitEvent } from './split.js';
import type { FeedbackEvent } from './feedback-event.js';
import { runNode } from './run-node.js';
import type { CacheNode, LookupNode, ServiceEntry, ServiceNode } from './schema.js';
import { walkGraph } from './validate-graph.js';
import type { BanditStore } from '../ports/bandit-store.js';
import { BanditStates, type BanditFeedbackResult } from './bandit-states.js';

export interface RunServiceOptions {
  readonly requestId: string;
  readonly runModel: ModelRunner;
  /** Headers and body fields that condition rules read (`requestAttributes` builds them from a request). */
  readonly request?: RequestAttributes;
  /** Clock of `hour` rules. @default the repository's `now`, else the system clock */
  readonly now?: () => Date;
  /** The request's keys: a multistage node's job result echoes them, as the fast answer does. */
  readonly keys?: readonly InstanceKey[] | undefined;
}

export interface ServiceRepositoryOptions {
  /** Told every cache hit, miss and error (the server counts them in mlpatterns_cache_requests_total). */
  readonly onCache?: (event: CacheEvent) => void;
  /** Opens the store of a cache node. @default memory LRU per node; one Redis connection per URL */
  readonly openCache?: CacheOpener;
  /** Clock of `hour` rules, for every run. @default () => new Date() */
  readonly now?: () => Date;
  /** Where `store: sqlite` cache files are resolved (the config's storage.stateDir). @default ".mlpatterns" */
  readonly stateDir?: string;
  /** Told every remote call's outcome and every breaker state change (the server's metrics). */
  readonly onRemote?: RemoteClientsOptions['onRemote'];
  readonly onBreaker?: RemoteClientsOptions['onBreaker'];
  /** Where multistage jobs are recorded. @default a MemoryJobStore (1 h, 10 000 jobs), closed with the repository */
  readonly jobs?: JobStore;
  /** Told every lookup hit, miss and table error (lookup nodes). */
  readonly onLookup?: (event: LookupEvent) => void;
  /** Told every job that finishes (the server counts them in mlpatterns_jobs_total). */
  readonly onJob?: (event: JobEvent) => void;
  /** How long `close` waits for running jobs before failing them with SHUTTING_DOWN. @default 5000 */
  readonly jobDrainMs?: number;
  /** Told every shadow candidate's outcome and agreement (mlpatterns_shadow_requests_total, _agreement_total). */
  readonly onShadow?: (event: ShadowEvent) => void;
  /** Told the variant of every split decision (mlpatterns_split_requests_total). */
  readonly onSplit?: (event: SplitEvent) => void;
  /** Where bandit nodes keep their state; not closed by the repository. @default opened from `banditStoreUrl` on first use */
  readonly banditStore?: BanditStore;
  /** The metadata store holding bandit state (config storage.metadata). @default "<stateDir>/mlpatterns.db" */
  readonly banditStoreUrl?: string;
  /** Told every bandit store failure (requests are still served). */
  readonly onBanditError?: (err: unknown) => void;
}

/**
 * The services a server serves, by name. Entries come from config or from the
 * builders (builders.ts) — the same plain objects, validated by the same schema.
 */
export class ServiceRepository {
  // Replaced as a whole by `replace` (parameter reload); a running request keeps what it started with.
  #entries: ReadonlyMap<string, ServiceEntry>;
  #caches: ReadonlyMap<CacheNode, CacheBinding>;
  #closeCaches: () => Promise<void>;
  readonly #openCache: CacheOpener | undefined;
  readonly #stateDir: string | undefined;
  readonly #onCache: ((event: CacheEvent) => void) | undefined;
  readonly #now: (() => Date) | undefined;
  readonly #remotes: RemoteClients;
  readonly #jobStore: JobStore;
  readonly #ownsJobStore: boolean;
  readonly #jobs: BackgroundJobs;
  // Lookup nodes' database connections (opened on first use), kept across `replace`.
  readonly #lookupConnections: LookupConnections;
  #lookups: ReadonlyMap<LookupNode, LookupBinding>;
  readonly #onLookup: ((event: LookupEvent) => void) | undefined;
  readonly #onShadow: ((event: ShadowEvent) => void) | undefined;
  readonly #onSplit: ((event: SplitEvent) => void) | undefined;
  readonly #bandits: BanditStates;

  constructor(entries: readonly ServiceEntry[], options: ServiceRepositoryOptions = {}) {
    this.#entries = new Map(entries.map((e) => [e.name, e]));
    // Stores open lazily (Redis connects on first use), so building this costs no I/O.
    const { bindings, close } = bindCaches(entries, options.openCache, options.stateDir);
    this.#caches = bindings;
    this.#closeCaches = close;
    this.#openCache = options.openCache;
    this.#stateDir = options.stateDir;
    this.#onCache = options.onCache;
    this.#now = options.now;
    // Pools connect on first use, like the caches: no I/O here.
    this.#remotes = new RemoteClients({
      ...(options.onRemote ? { onRemote: options.onRemote } : {}),
      ...(options.onBreaker ? { onBreaker: options.onBreaker } : {}),
    });
    this.#lookupConnections = new LookupConnections(options.stateDir ?? '.mlpatterns');
    this.#lookups = bindLookups(entries, this.#lookupConnections);
    this.#onLookup = options.onLookup;
    this.#onShadow = options.onShadow;
    this.#onSplit = options.onSplit;
    // The store opens on a bandit's first request (or first feedback): no I/O here either.
    this.#bandits = new BanditStates({
      ...(options.banditStore ? { store: options.banditStore } : {}),
      url: options.banditStoreUrl ?? `${options.stateDir ?? '.mlpatterns'}/mlpatterns.db`,
      ...(options.onBanditError ? { onError: options.onBanditError } : {}),
    });
    this.#ownsJobStore = options.jobs === undefined;
    this.#jobStore = options.jobs ?? new MemoryJobStore();
    this.#jobs = new BackgroundJobs(this.#jobStore, {
      ...(options.onJob ? { onJob: options.onJob } : {}),
      ...(options.jobDrainMs !== undefined ? { drainMs: options.jobDrainMs } : {}),
    });
  }

  /** The jobs multistage nodes started (`GET /v1/jobs/{id}` reads them). */
  get jobs(): JobStore {
    return this.#jobStore;
  }

  /**
   * Waits (bounded) for running jobs, failing the rest with SHUTTING_DOWN, then
   * closes the cache stores (Redis connections), the remote nodes' connection
   * pools and the job store it opened itself.
   */
  async close(): Promise<void> {
    await this.#jobs.close();
    await Promise.all([
      this.#closeCaches(),
      this.#remotes.close(),
      this.#lookupConnections.close(),
      this.#ownsJobStore ? this.#jobStore.close() : undefined,
      this.#bandits.close(),
    ]);
  }

  /**
   * Swaps in a new set of services (parameters reloaded from the config file):
   * requests already running finish on the graphs they started with; new ones
   * see the new graphs. Cache stores are opened anew and the old ones closed
   * (a changed node has a new identity, so its old entries would not be read
   * anyway); remote pools and breakers are kept. Validate the entries first.
   */
  async replace(entries: readonly ServiceEntry[]): Promise<void> {
    const { bindings, close } = bindCaches(entries, this.#openCache, this.#stateDir);
    const closeOld = this.#closeCaches;
    this.#entries = new Map(entries.map((e) => [e.name, e]));
    this.#caches = bindings;
    this.#closeCaches = close;
    this.#lookups = bindLookups(entries, this.#lookupConnections);
    await closeOld();
  }

  get(name: string): ServiceEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new MlError('SERVICE_NOT_FOUND', { name });
    return entry;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Runs the named service on a batch of instances. */
  async run(name: string, instances: readonly unknown[], options: RunServiceOptions): Promise<NodeValue> {
    const entry = this.get(name);
    const now = options.now ?? this.#now;
    const jobs = this.#jobs.launcher({ service: name, requestId: options.requestId, keys: options.keys });
    const entries = this.#entries; // one consistent set for the whole run, even if a reload lands meanwhile
    const value = await runNode(entry.graph, instances, {
      service: name,
      requestId: options.requestId,
      runModel: options.runModel,
      graphOf: (service) => {
        const ref = entries.get(service);
        if (!ref) throw new MlError('SERVICE_NOT_FOUND', { name: service });
        return ref.graph;
      },
      branchPath: '',
      input: instances,
      caches: this.#caches,
      remotes: this.#remotes,
      lookups: this.#lookups,
      ...(this.#onLookup ? { onLookup: this.#onLookup } : {}),
      ...(this.#onShadow ? { onShadow: this.#onShadow } : {}),
      ...(this.#onSplit ? { onSplit: this.#onSplit } : {}),
      bandits: this.#bandits,
      ...(options.keys ? { keys: options.keys } : {}),
      ...(this.#onCache ? { onCache: this.#onCache } : {}),
      ...(options.request ? { request: options.request } : {}),
      ...(now ? { now } : {}),
      jobs,
    });
    // A node that rebuilds its value (parallel aggregation, threshold) drops `job`; the job still runs, so name it.
    const [first] = jobs.started;
    return value.job || first === undefined ? value : { ...value, job: { id: first } };
  }

  /**
   * Feedback on an earlier request (POST /v1/feedback): rewards the bandit arm that
   * served it, once per request id. Requests no bandit served are `unknown`; with no
   * bandit node anywhere, nothing is opened. Store failures are thrown.
   */
  async notifyFeedback(feedback: FeedbackEvent): Promise<void> {
    await this.rewardBandit(feedback);
  }

  /** `notifyFeedback`, saying what it did (`ignored` when no bandit node is served). */
  async rewardBandit(feedback: FeedbackEvent): Promise<BanditFeedbackResult> {
    if (!this.#bandits.opened && !this.#hasBandits()) return { outcome: 'ignored', reason: 'no bandit node is served' };
    return this.#bandits.applyFeedback(feedback);
  }

  #hasBandits(): boolean {
    let found = false;
    for (const entry of this.#entries.values()) walkGraph(entry.graph, [], (node) => (found ||= node.type === 'bandit'));
    return found;
  }

  /** The cache nodes a service declares, with their stores and paths (`mlpatterns cache warm` picks one). */
  cacheNodes(name: string): { node: CacheNode; binding: CacheBinding }[] {
    this.get(name);
    return [...this.#caches].filter(([, b]) => b.service === name).map(([node, binding]) => ({ node, binding }));
  }

  /** Computes and stores a cache node's entries for these instances, under the keys requests use. */
  warmCache(
    node: CacheNode,
    instances: readonly unknown[],
    options: Omit<RunServiceOptions, 'request'> & { readonly firstIndex?: number },
  ): Promise<WarmResult> {
    const binding = this.#caches.get(node);
    if (!binding) throw new MlError('INTERNAL', { reason: 'not a cache node of this repository' });
    const now = options.now ?? this.#now;
    return warmCacheBatch(node, instances, {
      service: binding.service,
      requestId: options.requestId,
      runModel: options.runModel,
      graphOf: (service) => this.get(service).graph,
      branchPath: '',
      input: instances,
      caches: this.#caches,
      remotes: this.#remotes,
      ...(now ? { now } : {}),
    }, runNode, options.firstIndex);
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
