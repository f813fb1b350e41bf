import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchObserver } from '../serving/batching/index.js';

export interface RequestSeries {
  readonly latency: Histogram.Internal<'model' | 'version' | 'protocol'>;
  readonly inferences: Counter.Internal;
  count(status: number): void;
}

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

  /** Triton's split: executions (batches run) vs inferences (rows). */
  readonly executions = new Counter({
    name: 'mlpatterns_executions_total',
    help: 'Model executions (one per batch run), by model and version',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'mlpatterns_batch_size',
    help: 'Rows per model execution',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });

  readonly queueDuration = new Histogram({
    name: 'mlpatterns_queue_duration_seconds',
    help: 'Time a request waited in the batch queue before its execution started',
    labelNames: ['model'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly computeDuration = new Histogram({
    name: 'mlpatterns_compute_duration_seconds',
    help: 'Time one model execution took (the whole batch)',
    labelNames: ['model'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'mlpatterns_rejected_total',
    help: 'Requests refused without running: in_flight (admission), queue_full, deadline, closed',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });

  readonly cacheRequests = new Counter({
    name: 'mlpatterns_cache_requests_total',
    help: 'Prediction cache lookups per instance, by service, cache node and result (hit, miss, error: the store failed and the instance was served without it)',
    labelNames: ['service', 'node', 'result'] as const,
    registers: [this.registry],
  });

  readonly lookupRequests = new Counter({
    name: 'mlpatterns_lookup_requests_total',
    help: 'Batch-results lookups per instance, by service, lookup node and result (hit: answered from the table; miss: served live; error: the table could not be read, served live)',
    labelNames: ['service', 'node', 'result'] as const,
    registers: [this.registry],
  });

  readonly remoteRequests = new Counter({
    name: 'mlpatterns_remote_requests_total',
    help: 'Calls of remote nodes, by target and result (ok; error: failed after retries or a client error; rejected: breaker open, nothing sent)',
    labelNames: ['target', 'result'] as const,
    registers: [this.registry],
  });

  readonly remoteBreaker = new Gauge({
    name: 'mlpatterns_remote_breaker_state',
    help: 'Circuit breaker of each remote target: 0 closed, 1 half-open, 2 open',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'mlpatterns_jobs_total',
    help: 'Background jobs (multistage slow stages) finished, by service and status (succeeded, failed)',
    labelNames: ['service', 'status'] as const,
    registers: [this.registry],
  });

  /** Attempts of queued jobs run by this process's inline worker (docs/jobs.md). */
  readonly queueJobs = new Counter({
    name: 'mlpatterns_queue_jobs_total',
    help: 'Queued job attempts run by the inline worker, by job name and outcome (started, succeeded, retrying, failed, dropped)',
    labelNames: ['name', 'status'] as const,
    registers: [this.registry],
  });

  /** Prediction-log records lost (docs/prediction-log.md); predictions themselves are unaffected. */
  readonly predictionLogDropped = new Counter({
    name: 'mlpatterns_prediction_log_dropped_total',
    help: 'Prediction log records dropped, by reason (buffer_full: the buffer was full; sink_error: the sink refused the batch; encode_error: the record held what JSON cannot)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Shadow nodes (docs/services.md): candidate outcomes per mirrored request. */
  readonly shadowRequests = new Counter({
    name: 'mlpatterns_shadow_requests_total',
    help: 'Mirrored requests per shadow candidate, by service, shadow node, candidate and result (ok, error, timeout: abandoned, skipped: the node was at its bound)',
    labelNames: ['service', 'node', 'candidate', 'result'] as const,
    registers: [this.registry],
  });

  readonly shadowAgreement = new Counter({
    name: 'mlpatterns_shadow_agreement_total',
    help: 'Instances a shadow candidate answered, by whether it agreed with the primary (same label, else same argmax, else equal row)',
    labelNames: ['service', 'node', 'candidate', 'agree'] as const,
    registers: [this.registry],
  });

  /** Split nodes (online A/B): which variant served each request. */
  readonly splitRequests = new Counter({
    name: 'mlpatterns_split_requests_total',
    help: 'Requests served by each variant of a split node, by service, split node and variant',
    labelNames: ['service', 'node', 'variant'] as const,
    registers: [this.registry],
  });

  #readInFlight: () => Iterable<[model: string, inFlight: number]> = () => [];

  /** Read at scrape time (prom-client calls collect), so the request path pays nothing for it. */
  readonly inFlight = new Gauge({
    name: 'mlpatterns_in_flight',
    help: 'Requests admitted and not yet answered, by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
    collect: () => {
      this.inFlight.reset();
      for (const [model, n] of this.#readInFlight()) this.inFlight.set({ model }, n);
    },
  });

  trackInFlight(read: () => Iterable<[model: string, inFlight: number]>): void {
    this.#readInFlight = read;
  }

  /** The observer the batcher of one model version reports to (label children bound once). */
  batchObserver(model: string, version: string): BatchObserver {
    const executions = this.executions.labels({ model, version });
    const batchSize = this.batchSize.labels({ model });
    const compute = this.computeDuration.labels({ model });
    const queue = this.queueDuration.labels({ model });
    return {
      onBatch: ({ rows, queueUs, computeUs }) => {
        executions.inc();
        batchSize.observe(rows);
        compute.observe(computeUs / 1e6);
        for (const us of queueUs) queue.observe(us / 1e6);
      },
      onReject: (reason) => this.rejected.inc({ model, reason }),
    };
  }

  readonly #requestSeries = new Map<string, RequestSeries>();

  /**
   * The request metrics of one model/version/protocol, with label children bound
   * once: prom-client hashes label objects on every call otherwise, which showed
   * up at several per cent of a tiny model's request cost.
   */
  requestSeries(model: string, version: string, protocol: string): RequestSeries {
    const key = `${model}\u0000${version}\u0000${protocol}`;
    let series = this.#requestSeries.get(key);
    if (!series) {
      const statuses = new Map<number, Counter.Internal>();
      series = {
        latency: this.latency.labels({ model, version, protocol }),
        inferences: this.inferences.labels({ model, version }),
        count: (status) => {
          let child = statuses.get(status);
          if (!child) statuses.set(status, (child = this.requests.labels({ model, version, protocol, status: String(status) })));
          child.inc();
        },
      };
      this.#requestSeries.set(key, series);
    }
    return series;
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'mlpatterns_' });
  }
}
