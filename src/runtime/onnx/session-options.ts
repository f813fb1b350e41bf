import type { InferenceSession } from 'onnxruntime-node';

/** The onnxruntime session settings a deployment may tune. */
export interface OnnxSessionOptions {
  /** Threads used inside one operator. @default onnxruntime's choice (physical cores) */
  readonly intraOpNumThreads?: number;
  /** Threads used across operators when executionMode is "parallel". @default onnxruntime's choice */
  readonly interOpNumThreads?: number;
  /** @default "sequential" */
  readonly executionMode?: 'sequential' | 'parallel';
  /** @default "all" */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * "worker": sessions live in worker threads and the event loop stays free while
   * a model computes; "inline": on the main thread (lowest latency for tiny
   * models, blocks the event loop while computing); "auto": worker from
   * AUTO_WORKER_MIN_BYTES of model up, inline below. See docs/performance.md.
   * @default "auto"
   */
  readonly executor?: OnnxExecutor | 'auto';
  /** Worker threads (each with its own session) for executor "worker". @default 1 */
  readonly workerThreads?: number;
}

export type OnnxExecutor = 'worker' | 'inline';

/** Model size from which "auto" runs sessions in worker threads. */
export const AUTO_WORKER_MIN_BYTES = 1024 * 1024;

/** Resolves "auto" by model size: small models compute faster than a thread hop. */
export function resolveExecutor(choice: OnnxExecutor | 'auto' | undefined, modelBytes: number): OnnxExecutor {
  if (choice === 'worker' || choice === 'inline') return choice;
  return modelBytes >= AUTO_WORKER_MIN_BYTES ? 'worker' : 'inline';
}

/**
 * onnxruntime logs warnings (e.g. unused initializers, skl2onnx's ai.onnx.ml opset
 * notes) straight to stderr, bypassing our logger; errors still surface as
 * exceptions, so only those are kept.
 */
const LOG_ERRORS_ONLY = 3;

/** onnxruntime's own options only: executor and workerThreads are ours. */
export function toOrtSessionOptions(options: OnnxSessionOptions = {}): InferenceSession.SessionOptions {
  return {
    logSeverityLevel: LOG_ERRORS_ONLY,
    ...(options.intraOpNumThreads !== undefined && { intraOpNumThreads: options.intraOpNumThreads }),
    ...(options.interOpNumThreads !== undefined && { interOpNumThreads: options.interOpNumThreads }),
    ...(options.executionMode !== undefined && { executionMode: options.executionMode }),
    ...(options.graphOptimizationLevel !== undefined && { graphOptimizationLevel: options.graphOptimizationLevel }),
  };
}
