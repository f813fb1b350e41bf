import type { NamedTensors, TensorSpec } from '../../tensor/tensor.js';

/** One way to call a function model; like the package manifest's, but with full output specs. */
export interface FunctionSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Marks the signature used when a request names none. @default the first signature */
  readonly default?: boolean;
}

export interface FunctionRunContext {
  /** The signature being served. */
  readonly signature: string;
  /** Outputs the caller wants; computing only these is allowed, returning more is harmless. */
  readonly outputs: readonly string[];
}

/**
 * What a function model module exports (as `default` unless told otherwise).
 * `run` receives tensors already validated against the signature's inputs and
 * must return at least the requested outputs, matching their specs.
 *
 * The module is evaluated afresh for every load (see `importModule`), so its
 * top-level state is per load: two models loaded from one file, or a model
 * and its reload, never share it, and `dispose` may close what the module
 * created at its top level without breaking another load.
 */
export interface FunctionModelDefinition {
  readonly signatures: Readonly<Record<string, FunctionSignature>>;
  run(inputs: NamedTensors, ctx: FunctionRunContext): NamedTensors | Promise<NamedTensors>;
  /** Releases whatever the module holds (sessions, pools); called once on unload. */
  dispose?(): void | Promise<void>;
}

/**
 * Identity helper for authoring a function model with type checking:
 * `export default defineFunctionModel({ signatures: {...}, run(inputs) {...} })`.
 * It adds nothing at runtime, so modules need not import it to be valid.
 */
export function defineFunctionModel<const D extends FunctionModelDefinition>(definition: D): D {
  return definition;
}
