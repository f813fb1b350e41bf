export type BreakerState = 'closed' | 'open' | 'half-open';

export const DEFAULT_BREAKER_FAILURES = 5;
export const DEFAULT_BREAKER_RESET_MS = 5000;

/**
 * A circuit breaker for one remote target. Counts whole calls (after their
 * retries), not attempts, so `failures: 5` means five requests in a row that
 * the remote could not answer, whatever `retries` is.
 *
 * closed → (N failures in a row) → open: calls fail at once, no network →
 * (resetMs later) → half-open: exactly one probe goes through; its success
 * closes the breaker, its failure opens it for another resetMs.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(
    private readonly options: { readonly failures: number; readonly resetMs: number; readonly now?: () => number },
    private readonly onState: (state: BreakerState) => void = () => undefined,
  ) {}

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether a call may go out now; in half-open, true for the one probe only. */
  tryAcquire(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.#now() - this.#openedAt < this.options.resetMs) return false;
      this.#set('half-open');
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state !== 'closed') this.#set('closed');
  }

  failure(): void {
    this.#probing = false;
    this.#failures += 1;
    if (this.#state === 'half-open' || this.#failures >= this.options.failures) {
      this.#openedAt = this.#now();
      if (this.#state !== 'open') this.#set('open');
    }
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  #set(state: BreakerState): void {
    this.#state = state;
    this.onState(state);
  }
}
