import { MlError } from '../../errors/ml-error.js';
import type { NamedTensors, Signature, TensorSpec } from '../../tensor/tensor.js';
import type { RunOptions, ServingFunction } from '../serving-function.js';
import { checkOutputs } from './check-outputs.js';
import type { FunctionModelDefinition } from './define.js';
import { asMlError } from './foreign-error.js';

/**
 * Wraps a function model definition as a ServingFunction: resolves the
 * signature and outputs, runs the user code, and turns its failures and
 * malformed results into INFERENCE_FAILED for model `name`.
 */
export function createFunctionModel(definition: FunctionModelDefinition, name: string): ServingFunction {
  const entries = Object.entries(definition.signatures);
  const signatures: Record<string, Signature> = Object.fromEntries(
    entries.map(([sigName, sig]) => [sigName, { name: sigName, inputs: sig.inputs, outputs: sig.outputs }]),
  );
  const defaultSignature = entries.find(([, sig]) => sig.default === true)?.[0] ?? entries[0]?.[0];
  if (defaultSignature === undefined) throw new MlError('INVALID_MODEL_FILE', { path: name, reason: 'no signatures' });
  let disposing: Promise<void> | undefined;

  const outputSpecs = (signature: Signature, wanted: readonly string[] | undefined): TensorSpec[] => {
    if (wanted === undefined) return [...signature.outputs];
    return wanted.map((output) => {
      const spec = signature.outputs.find((o) => o.name === output);
      if (spec === undefined) {
        throw new MlError('UNKNOWN_OUTPUT', { output, expected: signature.outputs.map((o) => o.name).join(', ') });
      }
      return spec;
    });
  };

  return {
    signatures,
    defaultSignature,
    async run(inputs: NamedTensors, options: RunOptions = {}): Promise<NamedTensors> {
      if (disposing !== undefined) throw new MlError('MODEL_NOT_READY', { name });
      const sigName = options.signature ?? defaultSignature;
      const signature = Object.hasOwn(signatures, sigName) ? signatures[sigName] : undefined;
      if (signature === undefined) {
        throw new MlError('UNKNOWN_SIGNATURE', { signature: sigName, expected: Object.keys(signatures).join(', ') });
      }
      const specs = outputSpecs(signature, options.outputs);
      let result: unknown;
      try {
        result = await definition.run(inputs, { signature: sigName, outputs: specs.map((s) => s.name) });
      } catch (err) {
        // An MlError thrown on purpose (e.g. INVALID_REQUEST for a bad value) keeps its code and status.
        throw asMlError(err) ?? new MlError('INFERENCE_FAILED', { name, reason: messageOf(err) }, { cause: err });
      }
      const checked = checkOutputs(result, specs);
      if (!checked.ok) throw new MlError('INFERENCE_FAILED', { name, reason: checked.reason });
      return checked.outputs;
    },
    dispose(): Promise<void> {
      // Idempotent: a second call waits for the first instead of disposing twice.
      disposing ??= Promise.resolve().then(() => definition.dispose?.());
      return disposing;
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
