import type { FastifyInstance } from 'fastify';
import { clusterMetrics, isClusterWorker } from '../../cluster/worker.js';
import type { ServerContext } from '../context.js';

/** `GET /metrics` in the Prometheus text format; cluster-wide under `serve --workers N`. */
export function operationsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/metrics', async (_req, reply) => {
    if (isClusterWorker()) {
      const { text, contentType } = await clusterMetrics();
      return reply.type(contentType).send(text);
    }
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
