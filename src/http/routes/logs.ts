import type { FastifyInstance } from 'fastify';
import { isMlError, MlError } from '../../errors/ml-error.js';
import type { EventQuery } from '../../ports/event-log.js';
import type { ServerContext } from '../context.js';
import { parseLogQuery } from '../../predlog/parse-query.js';

/** `GET /v1/logs`: reads the prediction log (docs/prediction-log.md). */
export function logRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/logs', async (req) => {
    const logger = ctx.predictionLog;
    if (!logger) throw new MlError('PREDICTION_LOG_DISABLED');
    const query: EventQuery = parseLogQuery(req.query);
    const page = await logger.sink.query(query).catch((err: unknown) => {
      throw isMlError(err) ? err : new MlError('STORE_UNAVAILABLE', { reason: `prediction log: ${err instanceof Error ? err.message : String(err)}` }, { cause: err });
    });
    return { records: page.records, ...(page.next !== undefined ? { next: page.next } : {}) };
  });
}
