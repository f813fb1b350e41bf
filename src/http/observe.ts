import { isMlError } from '../errors/ml-error.js';
import type { ModelLease } from '../serving/model-host.js';
import type { ServerContext } from './context.js';

/**
 * Runs a prediction under a lease on the current version and records metrics.
 * The lease keeps that version alive until the answer is computed, which is
 * what lets an alias move drain old versions without failing requests.
 */
export async function observed<T>(
  ctx: ServerContext,
  protocol: string,
  modelName: string,
  run: (lease: ModelLease, countRows: (rows: number) => void) => Promise<T>,
): Promise<T> {
  const host = ctx.repository.get(modelName);
  const lease = host.acquire();
  const start = process.hrtime.bigint();
  const labels = { model: modelName, version: lease.model.version, protocol };
  let status = 200;
  try {
    return await run(lease, (rows) => ctx.metrics.inferences.inc({ model: modelName, version: lease.model.version }, rows));
  } catch (err) {
    status = isMlError(err) ? err.status : 500;
    throw err;
  } finally {
    lease.release();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    ctx.metrics.latency.observe(labels, seconds);
    ctx.metrics.requests.inc({ ...labels, status: String(status) });
  }
}
