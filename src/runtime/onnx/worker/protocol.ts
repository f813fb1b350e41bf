import type { InferenceSession } from 'onnxruntime-node';
import type { ErrorCode } from '../../../errors/codes.js';
import type { ErrorParams } from '../../../errors/ml-error.js';
import type { OnnxModelInfo } from '../../../onnx/inspect.js';

/**
 * The messages between the main thread and its worker threads: the onnxruntime
 * workers (ort-worker.ts) and the one-shot model preparation (prepare-worker.ts).
 * Kept to plain objects and typed arrays: they cross by structured clone, with
 * the tensor buffers transferred, not copied.
 */

/** A tensor on the wire: data is a typed array (its buffer transferred) or string[] (cloned). */
export interface WireTensor {
  readonly name: string;
  /** onnxruntime's type name ("float32", "int64", "string", …). */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: WireData;
}

export type WireData = ArrayBufferView | readonly string[];

/** What every worker of a pool starts from. */
export interface WorkerInit {
  /** The prepared model bytes, shared by every worker of a pool (and its replacements). */
  readonly model: SharedArrayBuffer;
  readonly sessionOptions: InferenceSession.SessionOptions;
}

/** Handed to one worker at start (workerData). */
export interface WorkerData extends WorkerInit {
  /** [0] is 1 while the thread is inside onnxruntime's native code (see exit-guard.ts). */
  readonly busy: Int32Array;
}

export type ToWorker = RunRequest | CloseRequest | CrashRequest;

export interface RunRequest {
  readonly kind: 'run';
  readonly id: number;
  readonly inputs: readonly WireTensor[];
  readonly outputs: readonly string[];
}

/** Release the session and end the thread once idle. */
export interface CloseRequest {
  readonly kind: 'close';
}

/** Test hook: die of an uncaught error, as a crashing thread would. */
export interface CrashRequest {
  readonly kind: 'crash';
}

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'load-failed'; readonly error: WireError }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: readonly WireTensor[] }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WireError };

/** Errors cross as their message only: onnxruntime's are plain Errors, and stacks of another thread mean little. */
export interface WireError {
  readonly message: string;
}

/** The buffers to transfer with these tensors, each once (a duplicate makes postMessage throw). */
export function transferList(tensors: readonly WireTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of tensors) {
    if (ArrayBuffer.isView(t.data) && t.data.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  }
  return [...buffers];
}

/** workerData of the one-shot thread that decodes and rewrites a model (prepare-worker.ts). */
export interface PrepareRequest {
  readonly bytes: Uint8Array;
  /** For error messages. */
  readonly path: string;
}

export type PrepareReply =
  | {
      readonly kind: 'prepared';
      /** The bytes onnxruntime should load, in shared memory, ready for OrtWorkerPool. */
      readonly bytes: Uint8Array;
      readonly rewrites: readonly string[];
      readonly info: OnnxModelInfo;
    }
  | { readonly kind: 'failed'; readonly error: WireError & { readonly code?: ErrorCode; readonly params?: ErrorParams } };
