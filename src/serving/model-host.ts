import type { LimitsOptions } from '../config/schema.js';
import { MlError } from '../errors/ml-error.js';
import type { LoadedModel } from './loaded-model.js';

/** A lease on one loaded version; `release` must be called exactly once. */
export interface ModelLease {
  readonly model: LoadedModel;
  release(): void;
}

interface Slot {
  readonly model: LoadedModel;
  inFlight: number;
  retired: boolean;
  disposed?: Promise<void>;
  /** Resolves once the slot's model is disposed. */
  readonly gone: Promise<void>;
  readonly markGone: () => void;
}

function newSlot(model: LoadedModel): Slot {
  let markGone!: () => void;
  const gone = new Promise<void>((resolve) => (markGone = resolve));
  return { model, inFlight: 0, retired: false, gone, markGone };
}

export interface ModelHostOptions {
  readonly onDisposeError?: (err: unknown, model: LoadedModel) => void;
  /** Admission limits (load shedding). @default no limit */
  readonly limits?: LimitsOptions;
  /** Called when a request is refused at admission. */
  readonly onReject?: (reason: 'in_flight') => void;
}

/**
 * Holds the live version of one served model. `swap` makes a new version
 * current at once; the old one keeps serving the requests that already hold
 * a lease and is disposed when the last of them releases it (drain), so an
 * alias move never fails an in-flight request.
 */
export class ModelHost {
  #current: Slot;
  readonly #draining = new Set<Slot>();
  readonly #onDisposeError: (err: unknown, model: LoadedModel) => void;
  readonly #options: ModelHostOptions;
  #inFlight = 0;

  constructor(initial: LoadedModel, options: ModelHostOptions = {}) {
    this.#current = newSlot(initial);
    this.#onDisposeError = options.onDisposeError ?? (() => undefined);
    this.#options = options;
  }

  /** Requests admitted and not yet answered, across versions. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get limits(): LimitsOptions | undefined {
    return this.#options.limits;
  }

  get current(): LoadedModel {
    return this.#current.model;
  }

  /** Versions loaded right now: the current one first, then those draining. */
  get loadedVersions(): LoadedModel[] {
    return [this.#current.model, ...[...this.#draining].map((s) => s.model)];
  }

  /**
   * Throws OVERLOADED when a request would not be admitted now. The HTTP layer
   * calls it before reading the body, so shedding costs no parsing; `acquire`
   * checks again, authoritatively.
   */
  checkAdmission(): void {
    const limits = this.#options.limits;
    if (limits && this.#inFlight >= limits.maxInFlight) {
      this.#options.onReject?.('in_flight');
      throw new MlError('OVERLOADED', {
        name: this.#current.model.name,
        reason: `${this.#inFlight} requests in flight, limit ${limits.maxInFlight}`,
        retryAfter: limits.retryAfterSeconds,
      });
    }
  }

  /**
   * Admits a request on the current version. Over `limits.maxInFlight` the
   * request is refused at once (OVERLOADED, 503 + Retry-After) instead of queueing
   * without bound: fast failure keeps latency bounded for the admitted ones.
   */
  acquire(): ModelLease {
    this.checkAdmission();
    const slot = this.#current;
    slot.inFlight++;
    this.#inFlight++;
    let released = false;
    return {
      model: slot.model,
      release: () => {
        if (released) return;
        released = true;
        slot.inFlight--;
        this.#inFlight--;
        if (slot.retired && slot.inFlight === 0) void this.#dispose(slot); // never rejects: errors go to onDisposeError
      },
    };
  }

  /**
   * Makes `next` current at once. The previous version drains in the
   * background and is disposed after its last lease; `whenDrained` waits for that.
   */
  swap(next: LoadedModel): void {
    const old = this.#current;
    this.#current = newSlot(next);
    old.retired = true;
    this.#draining.add(old);
    if (old.inFlight === 0) void this.#dispose(old); // never rejects: errors go to onDisposeError
  }

  /** Resolves once every replaced version has been drained and disposed. */
  async whenDrained(): Promise<void> {
    await Promise.all([...this.#draining].map((slot) => slot.gone));
  }

  /** Disposes every version; in-flight leases should be released first. */
  async close(): Promise<void> {
    const slots = [this.#current, ...this.#draining];
    for (const s of slots) s.retired = true;
    await Promise.all(slots.map((s) => this.#dispose(s)));
  }

  #dispose(slot: Slot): Promise<void> {
    slot.disposed ??= slot.model
      .dispose()
      .catch((err: unknown) => this.#onDisposeError(err, slot.model))
      .finally(() => {
        this.#draining.delete(slot);
        slot.markGone();
      });
    return slot.disposed;
  }
}
