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

  constructor(initial: LoadedModel, options: { onDisposeError?: (err: unknown, model: LoadedModel) => void } = {}) {
    this.#current = newSlot(initial);
    this.#onDisposeError = options.onDisposeError ?? (() => undefined);
  }

  get current(): LoadedModel {
    return this.#current.model;
  }

  /** Versions loaded right now: the current one first, then those draining. */
  get loadedVersions(): LoadedModel[] {
    return [this.#current.model, ...[...this.#draining].map((s) => s.model)];
  }

  acquire(): ModelLease {
    const slot = this.#current;
    slot.inFlight++;
    let released = false;
    return {
      model: slot.model,
      release: () => {
        if (released) return;
        released = true;
        slot.inFlight--;
        if (slot.retired && slot.inFlight === 0) void this.#dispose(slot); // never rejects: errors go to onDisposeError
      },
    };
  }

  /** Makes `next` current; resolves once the previous version is drained and disposed. */
  async swap(next: LoadedModel): Promise<void> {
    const old = this.#current;
    this.#current = newSlot(next);
    old.retired = true;
    if (old.inFlight === 0) {
      await this.#dispose(old);
      return;
    }
    this.#draining.add(old);
    await old.gone;
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
