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
  #failedKey: string | undefined;
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

  async #check(): Promise<void> {
    if (this.#closed) return;
    try {
      const { key, load } = await this.resolver.current();
      if (key === this.#currentKey || key === this.#failedKey) return;
      const next = await load();
      if (this.#closed) {
        await next.dispose();
        return;
      }
      const previous = this.host.current.version;
      this.#currentKey = key;
      this.#failedKey = undefined;
      this.options.logger?.info({ model: this.name, from: previous, to: next.version }, 'model version switched');
      await this.host.swap(next);
    } catch (err) {
      this.options.logger?.error({ model: this.name, err }, 'could not follow the model reference; still serving the current version');
      // Don't retry a broken version on every tick; a further alias move is tried again.
      const resolved = await this.resolver.current().catch(() => undefined);
      if (resolved) this.#failedKey = resolved.key;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#checking;
  }
}
