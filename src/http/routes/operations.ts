import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/** `GET /metrics` in the Prometheus text format. */
export function operationsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/metrics', async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
