import { openBanditStore } from '../adapters/open-bandit-store.js';
import type { BanditDecision, BanditStore } from '../ports/bandit-store.js';
import { mulberry32, type UniformSource } from '../stats/random.js';
import type { ArmEvidence } from './bandit-policy.js';
import type { FeedbackEvent } from './feedback-event.js';

export interface BanditStatesOptions {
  /** Where state lives; the repository does not close a store it was given. */
  readonly store?: BanditStore;
  /** Metadata store URL opened on first use when no `store` is given (sqlite path or postgres://…). */
  readonly url?: string;
  /** How long decisions wait to be written together, ms. @default 100 */
  readonly flushMs?: number;
  /** Arm state older than this is re-read from the store in the background (other servers' rewards), ms. @default 5000 */
  readonly refreshMs?: number;
  /** Told every store failure (state kept in memory, decisions retried or dropped). */
  readonly onError?: (err: unknown) => void;
}

/**
 * What `notifyFeedback` did: `applied`/`duplicate`/`unknown` as the store says
 * (see RewardResult); `ignored` when the feedback carries no usable reward or
 * request id, or no bandit runs here.
 */
export type BanditFeedbackResult =
  | { readonly outcome: 'applied'; readonly bandit: string; readonly arm: string; readonly reward: number }
  | { readonly outcome: 'duplicate' | 'unknown' }
  | { readonly outcome: 'ignored'; readonly reason: string };

interface Evidence {
  alpha: number;
  beta: number;
}

interface BanditMemory {
  readonly arms: Map<string, Evidence>;
  loaded?: Promise<void>;
  loadedAt: number;
  refreshing: boolean;
}

/** Decisions waiting for the store beyond this are dropped (the store is down for long). */
const MAX_PENDING = 10_000;

/**
 * The serving side of bandit nodes: arm evidence cached in memory (read from the
 * store once per bandit, refreshed in the background), decisions written in
 * batches off the response path, rewards applied through the store (which makes
 * them idempotent). A store that fails never fails a request: choices fall back
 * to what is in memory (the prior alone at worst).
 */
export class BanditStates {
  readonly #options: BanditStatesOptions;
  #store: Promise<BanditStore> | undefined;
  readonly #memory = new Map<string, BanditMemory>();
  readonly #randoms = new Map<string, UniformSource>();
  readonly #memos = new Map<string, { readonly key: string; readonly value: unknown }>();
  #pending: BanditDecision[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #dropped = 0;
  #closed = false;

  constructor(options: BanditStatesOptions) {
    this.#options = options;
  }

  /** Decisions lost because the store stayed down (for tests and operators). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether a store is in use yet (feedback need not open one when no bandit ever ran). */
  get opened(): boolean {
    return this.#store !== undefined;
  }

  /** The bandit's random source: seeded ones replay the same choices. One per bandit name, kept for the repository's life. */
  random(bandit: string, seed: number | undefined): UniformSource {
    let random = this.#randoms.get(bandit);
    if (!random) this.#randoms.set(bandit, (random = seed === undefined ? Math.random : mulberry32(seed)));
    return random;
  }

  /** The value `compute` gives for `key`, kept per bandit until the key changes (Thompson propensities per evidence state). */
  memo<T>(bandit: string, key: string, compute: () => T): T {
    const held = this.#memos.get(bandit);
    if (held && held.key === key) return held.value as T;
    const value = compute();
    this.#memos.set(bandit, { key, value });
    return value;
  }

  /** Evidence of the named arms (zero for arms without any), reading the store on the bandit's first request. */
  async evidence(bandit: string, arms: readonly string[]): Promise<ArmEvidence[]> {
    const memory = this.#memoryOf(bandit);
    memory.loaded ??= this.#load(bandit, memory);
    await memory.loaded;
    const refreshMs = this.#options.refreshMs ?? 5000;
    if (!memory.refreshing && Date.now() - memory.loadedAt > refreshMs) {
      memory.refreshing = true;
      void this.#load(bandit, memory).finally(() => (memory.refreshing = false));
    }
    return arms.map((arm) => ({ arm, ...(memory.arms.get(arm) ?? { alpha: 0, beta: 0 }) }));
  }

  /** Queues a decision for the store; never waits and never throws. */
  record(decision: BanditDecision): void {
    if (this.#pending.length >= MAX_PENDING) {
      this.#dropped++;
      return;
    }
    this.#pending.push(decision);
    this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs ?? 100);
    this.#timer.unref();
  }

  /** Writes queued decisions now (feedback for a request just served must find its decision). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.splice(0);
    // One write at a time, in order: a flush started later also waits for earlier batches.
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await (await this.#openStore()).recordDecisions(batch);
      } catch (err) {
        this.#options.onError?.(err);
        const room = Math.max(0, MAX_PENDING - this.#pending.length);
        this.#pending.unshift(...batch.slice(0, room));
        this.#dropped += batch.length - Math.min(room, batch.length);
        if (this.#pending.length > 0 && !this.#closed) this.#timer ??= setTimeout(() => void this.flush(), 1000).unref();
      }
    });
    return this.#flushing;
  }

  /**
   * Rewards the arm that served `feedback.requestId`. The reward is `reward`, else
   * `value`, else a label read as success ("1", "true", "yes", "success", "positive",
   * "click", "converted") or failure ("0", "false", "no", "failure", "negative"); it
   * must be in [0, 1]. Feedback by key alone cannot be joined to a decision.
   */
  async applyFeedback(feedback: FeedbackEvent): Promise<BanditFeedbackResult> {
    const reward = rewardOf(feedback);
    if (typeof reward === 'string') return { outcome: 'ignored', reason: reward };
    if (feedback.requestId === undefined || feedback.requestId === '') return { outcome: 'ignored', reason: 'bandit rewards are joined by request_id; a key alone names no decision' };
    await this.flush();
    const result = await (await this.#openStore()).applyReward(feedback.requestId, reward);
    if (result.outcome !== 'applied') return { outcome: result.outcome };
    const memory = this.#memory.get(result.decision.bandit);
    memory?.arms.set(result.arm.arm, { alpha: result.arm.alpha, beta: result.arm.beta });
    return { outcome: 'applied', bandit: result.decision.bandit, arm: result.decision.arm, reward };
  }

  /** Writes what is queued (bounded by the store's own timeouts), then closes a store it opened. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#store && !this.#options.store) await (await this.#store.catch(() => undefined))?.close();
  }

  #memoryOf(bandit: string): BanditMemory {
    let memory = this.#memory.get(bandit);
    if (!memory) this.#memory.set(bandit, (memory = { arms: new Map(), loadedAt: Date.now(), refreshing: false }));
    return memory;
  }

  async #load(bandit: string, memory: BanditMemory): Promise<void> {
    try {
      const arms = await (await this.#openStore()).arms(bandit);
      for (const arm of arms) memory.arms.set(arm.arm, { alpha: arm.alpha, beta: arm.beta });
    } catch (err) {
      this.#options.onError?.(err);
    } finally {
      memory.loadedAt = Date.now();
    }
  }

  #openStore(): Promise<BanditStore> {
    if (this.#options.store) return (this.#store ??= Promise.resolve(this.#options.store));
    const url = this.#options.url;
    if (url === undefined) return Promise.reject(new Error('no bandit store configured'));
    const opening = (this.#store ??= openBanditStore(url));
    // A store that failed to open is retried on the next use rather than remembered as failed.
    opening.catch(() => {
      if (this.#store === opening) this.#store = undefined;
    });
    return opening;
  }
}

const SUCCESS = new Set(['1', 'true', 'yes', 'success', 'positive', 'click', 'converted']);
const FAILURE = new Set(['0', 'false', 'no', 'failure', 'negative']);

/** The reward in [0, 1], or why there is none. */
export function rewardOf(feedback: FeedbackEvent): number | string {
  const label = feedback.label?.trim().toLowerCase();
  const reward = feedback.reward ?? feedback.value ?? (label === undefined ? undefined : SUCCESS.has(label) ? 1 : FAILURE.has(label) ? 0 : undefined);
  if (reward === undefined) return label === undefined ? 'no reward, value or label' : `label "${feedback.label}" is not a success/failure label`;
  if (!Number.isFinite(reward) || reward < 0 || reward > 1) return `reward ${reward} is outside [0, 1]`;
  return reward;
}
