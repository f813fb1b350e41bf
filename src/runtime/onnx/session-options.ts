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
}

/**
 * onnxruntime logs warnings (e.g. unused initializers, skl2onnx's ai.onnx.ml opset
 * notes) straight to stderr, bypassing our logger; errors still surface as
 * exceptions, so only those are kept.
 */
const LOG_ERRORS_ONLY = 3;

export function toOrtSessionOptions(options: OnnxSessionOptions = {}): InferenceSession.SessionOptions {
  return {
    logSeverityLevel: LOG_ERRORS_ONLY,
    ...(options.intraOpNumThreads !== undefined && { intraOpNumThreads: options.intraOpNumThreads }),
    ...(options.interOpNumThreads !== undefined && { interOpNumThreads: options.interOpNumThreads }),
    ...(options.executionMode !== undefined && { executionMode: options.executionMode }),
    ...(options.graphOptimizationLevel !== undefined && { graphOptimizationLevel: options.graphOptimizationLevel }),
  };
}
