import type { OnnxModelInfo } from '../../onnx/inspect.js';
import { inspectDecoded } from '../../onnx/inspect.js';
import { prepareForServing } from '../../onnx/rewrite.js';
import type { OnnxExecutor } from './session-options.js';
import { prepareOffThread } from './worker/prepare-off-thread.js';

export interface PreparedForRuntime {
  /** The bytes onnxruntime loads (see prepareForServing). */
  readonly bytes: Uint8Array;
  readonly rewrites: readonly string[];
  /** The graph's interface, read after the rewrites. */
  readonly info: OnnxModelInfo;
}

/**
 * Decodes, rewrites and inspects the model where its sessions will run: with
 * worker threads, in a thread too, so that loading a big model (an alias switch
 * on a live server) never stalls requests; inline, here.
 */
export async function prepareModel(bytes: Uint8Array, path: string, executor: OnnxExecutor): Promise<PreparedForRuntime> {
  if (executor === 'worker') return prepareOffThread(bytes, path);
  const prepared = prepareForServing(bytes, path);
  return { bytes: prepared.bytes, rewrites: prepared.rewrites, info: inspectDecoded(prepared.model, path) };
}
