/**
 * Dynamic batching (Triton's dynamic batcher): see dynamic-batcher.ts for the
 * scheduling rules and types.ts for the contract. The rest is machinery:
 * batch-key (which requests may merge), batch-sizing (row caps, preferred
 * sizes), merge-inputs / split-outputs (dim-0 concatenation and slicing),
 * run-batch, ring-queue, wake-timer (sub-millisecond delays), rejections.
 */
export { DynamicBatcher } from './dynamic-batcher.js';
export type { BatchInfo, BatchKey, BatchObserver, BatchRunner, RejectReason, SubmitRequest } from './types.js';
