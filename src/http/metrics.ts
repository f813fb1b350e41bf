import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server, on a registry of its own (not prom-client's global one). */
export class ServerMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'mlpatterns_requests_total',
    help: 'Prediction requests by model, version, protocol and HTTP status',
    labelNames: ['model', 'version', 'protocol', 'status'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'mlpatterns_request_duration_seconds',
    help: 'Prediction request latency (server side), by model, version and protocol',
    labelNames: ['model', 'version', 'protocol'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly inferences = new Counter({
    name: 'mlpatterns_inferences_total',
    help: 'Instances (rows) inferred, by model and version',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'mlpatterns_' });
  }
}
