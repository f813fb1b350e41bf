/** One target's verdict, and the formatting both target files share. */
export interface TargetResult {
  readonly id: string;
  readonly target: string;
  /** The measured ratio or value, formatted; "n/a" when a step it needs did not run. */
  readonly measured: string;
  readonly value: number | null;
  /** null: not evaluated (a step it needs was skipped, failed or not selected, or the load was not what the target needs). */
  readonly pass: boolean | null;
  readonly note?: string;
  /** Most CPU (in cores) other processes used during a step this target reads, when enough to matter. */
  readonly disturbedBy?: number;
  /** The step it reads could not run here (e.g. Redis unreachable): shown as SKIPPED, the reason in the note. */
  readonly skipped?: boolean;
  /** A figure reported without a target (pass is null): shown as "reported". */
  readonly reported?: boolean;
}

export const NA = (id: string, target: string, note: string): TargetResult => ({ id, target, measured: 'n/a', value: null, pass: null, note });

export const ratio = (x: number): string => `${x.toFixed(2)}×`;
export const ms = (us: number): string => `${(us / 1000).toFixed(2)} ms`;
