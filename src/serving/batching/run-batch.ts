import type { NamedTensors } from '../../tensor/tensor.js';
import { mergeInputs } from './merge-inputs.js';
import type { PendingRequest } from './pending-request.js';
import { splitOutputs } from './split-outputs.js';
import type { BatchRunner } from './types.js';

/**
 * Executes one batch and returns each request's outputs, in batch order.
 * A request alone is passed through untouched (no copy in, no split out), so
 * batching costs nothing at low load.
 */
export async function runBatch(name: string, run: BatchRunner, batch: readonly PendingRequest[], rows: number): Promise<NamedTensors[]> {
  const first = batch[0];
  if (first === undefined) return [];
  const key = { signature: first.signature, outputs: first.outputs };
  if (batch.length === 1) return [await run(first.inputs, key)];
  const outputs = await run(mergeInputs(batch, rows), key);
  return splitOutputs(name, outputs, batch, rows);
}
