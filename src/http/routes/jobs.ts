import type { FastifyInstance } from 'fastify';
import { MlError } from '../../errors/ml-error.js';
import type { JobRecord } from '../../ports/job-store.js';
import type { ServerContext } from '../context.js';

type IdParams = { Params: { id: string } };

/** Answers that arrive after their request (a multistage node's slow stage): `GET /v1/jobs/{id}`. */
export function jobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<IdParams>('/v1/jobs/:id', async (req) => {
    const job = await ctx.services.jobs.get(req.params.id);
    if (!job) throw new MlError('JOB_NOT_FOUND', { id: req.params.id });
    return jobBody(job);
  });
}

/** The record in the API's snake_case, fields absent until they apply. */
function jobBody(job: JobRecord): Record<string, unknown> {
  return {
    id: job.id,
    status: job.status,
    service: job.service,
    ...(job.requestId !== undefined ? { request_id: job.requestId } : {}),
    created_at: job.createdAt,
    ...(job.finishedAt !== undefined ? { finished_at: job.finishedAt } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}
