export { OrtWorkerPool, type OrtWorkerPoolOptions } from './ort-worker-pool.js';
export type { WireData, WireTensor } from './protocol.js';
