import type { Logger } from 'pino';
import type { ModelHost } from './model-host.js';
import type { LoadedModel } from './loaded-model.js';

/** Resolves a model reference to the version it points at now. */
export interface VersionResolver {
  /** A key that changes whenever the reference points at another version. */
  current(): Promise<{ key: string; load: () => Promise<LoadedModel> }>;
}

export interface AliasWatcherOptions {
  /** Poll period in ms. @default 2000 */
  readonly intervalMs?: number;
  /** How long a version that failed to load is left alone before it is tried again. @default max(10 × interval, 10 s) */
  readonly retryFailedAfterMs?: number;
  readonly logger?: Pick<Logger, 'info' | 'error'>;
}

/**
 * Follows an alias (`iris@production`): polls the registry and, when the alias
 * moves, loads the new version next to the old one, swaps it in and lets the
 * old one drain. A version that fails to load is logged and the old one keeps
 * serving, so a bad registration never takes a model down.
 */
export class AliasWatcher {
  readonly #timer: NodeJS.Timeout;
  #currentKey: string;
  #checking: Promise<void> | undefined;
  #failed: { key: string; at: number } | undefined;
  #closed = false;

  constructor(
    readonly name: string,
    private readonly host: ModelHost,
    private readonly resolver: VersionResolver,
    initialKey: string,
    private readonly options: AliasWatcherOptions = {},
  ) {
    this.#currentKey = initialKey;
    this.#timer = setInterval(() => void this.check(), options.intervalMs ?? 2000);
    this.#timer.unref();
  }

  /** Checks once (also called by the timer); concurrent calls share one check. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  /** Resolves once the reference's current version serves (not when the old one has drained). */
  async #check(): Promise<void> {
    if (this.#closed) return;
    let attempted: string | undefined;
    try {
      const { key, load } = await this.resolver.current();
      if (key === this.#currentKey || this.#recentlyFailed(key)) return;
      attempted = key;
      const next = await load();
      if (this.#closed) {
        await next.dispose();
        return;
      }
      const previous = this.host.current.version;
      this.#currentKey = key;
      this.#failed = undefined;
      this.host.swap(next);
      this.options.logger?.info({ model: this.name, from: previous, to: next.version }, 'model version switched');
    } catch (err) {
      this.options.logger?.error({ model: this.name, err }, 'could not follow the model reference; still serving the current version');
      // A broken version is not retried on every tick, but it is retried: the failure may be transient.
      if (attempted !== undefined) this.#failed = { key: attempted, at: Date.now() };
    }
  }

  #recentlyFailed(key: string): boolean {
    if (this.#failed?.key !== key) return false;
    const interval = this.options.intervalMs ?? 2000;
    const backoff = this.options.retryFailedAfterMs ?? Math.max(10 * interval, 10_000);
    return Date.now() - this.#failed.at < backoff;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#checking;
  }
}
