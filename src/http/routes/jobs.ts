import type { FastifyInstance } from 'fastify';
import { MlError } from '../../errors/ml-error.js';
import type { JobApiOptions } from '../../jobs/job-api-options.js';
import { streamJobEvents } from '../../jobs/job-events.js';
import { decodeJobRequest } from '../../jobs/job-request.js';
import { FINAL_STATUSES, queueJobView, storedJobView, type ApiJobMeta, type JobView } from '../../jobs/job-view.js';
import { PREDICT_JOB, type PredictJobPayload } from '../../jobs/predict-job.js';
import type { ServerContext } from '../context.js';
import { REQUEST_ID_HEADER } from '../request-id.js';
import { requireJson } from './require-json.js';

type IdParams = { Params: { id: string } };
type NameParams = { Params: { name: string } };

/**
 * Asynchronous predictions (docs/jobs.md): `POST /v1/services/{name}/jobs`
 * queues a job, `GET /v1/jobs/{id}` reads it, `DELETE` cancels it,
 * `GET /v1/jobs/{id}/events` streams its status changes. The same GET also
 * answers for a multistage node's jobs (the later answer of a predict request).
 */
export function jobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  /** A job by id, from the multistage store (memory, cheap) or else the queue. */
  const findJob = async (id: string): Promise<{ view: JobView; queued: boolean } | undefined> => {
    const stored = await ctx.services.jobs.get(id);
    if (stored) return { view: storedJobView(stored), queued: false };
    const job = await ctx.jobs?.queue.get(id);
    return job ? { view: queueJobView(job), queued: true } : undefined;
  };

  app.post<NameParams>('/v1/services/:name/jobs', async (req, reply) => {
    requireJson(req);
    const name = req.params.name;
    ctx.services.get(name); // 404 before the body is looked at
    const request = decodeJobRequest(req.body);
    const jobs = queueOf(ctx);
    const payload: PredictJobPayload = { service: name, body: request.body, request_id: req.id };
    const meta: ApiJobMeta = {
      service: name,
      request_id: req.id,
      ...(request.key !== undefined ? { key: request.key } : {}),
      ...(request.callbackUrl !== undefined ? { callback_url: request.callbackUrl } : {}),
    };
    const { job, created } = await jobs.queue.enqueue(jobs.queueName, PREDICT_JOB, payload, {
      // Keys are the client's per service: the same key for two services names two jobs.
      ...(request.key !== undefined ? { key: `${PREDICT_JOB}:${name}:${request.key}` } : {}),
      maxAttempts: jobs.maxAttempts,
      backoffMs: jobs.backoffMs,
      meta: { ...meta },
    });
    void reply.header('location', `/v1/jobs/${job.id}`);
    if (!created) return queueJobView(job);
    return reply.status(202).send({ job_id: job.id, status: job.status });
  });

  app.get<IdParams>('/v1/jobs/:id', async (req) => {
    const found = await findJob(req.params.id);
    if (!found) throw new MlError('JOB_NOT_FOUND', { id: req.params.id });
    return found.view;
  });

  app.delete<IdParams>('/v1/jobs/:id', async (req) => {
    const id = req.params.id;
    const found = await findJob(id);
    if (!found) throw new MlError('JOB_NOT_FOUND', { id });
    if (!found.queued) throw new MlError('JOB_NOT_CANCELLABLE', { id });
    if (FINAL_STATUSES.has(found.view.status) && found.view.status !== 'cancelled') throw new MlError('JOB_FINISHED', { id, status: found.view.status });
    const job = await queueOf(ctx).queue.cancel(id);
    if (!job) throw new MlError('JOB_NOT_FOUND', { id });
    // It finished between the read and the cancel: its outcome stands.
    if (job.status !== 'cancelled') throw new MlError('JOB_FINISHED', { id, status: job.status });
    return queueJobView(job);
  });

  app.get<IdParams>('/v1/jobs/:id/events', async (req, reply) => {
    const id = req.params.id;
    const found = await findJob(id);
    if (!found) throw new MlError('JOB_NOT_FOUND', { id });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no', // nginx: pass events through as they come
      // Not kept alive after the stream: an idle kept-alive socket would hold a draining server open.
      connection: 'close',
      [REQUEST_ID_HEADER]: req.id,
    });
    const disconnected = new AbortController();
    res.on('close', () => disconnected.abort());
    try {
      await streamJobEvents(found.view, {
        read: async () => (await findJob(id))?.view,
        write: (chunk) => !res.destroyed && (res.write(chunk), true),
        signal: disconnected.signal,
        stop: ctx.isShuttingDown,
      });
    } finally {
      res.end();
    }
  });
}

function queueOf(ctx: ServerContext): JobApiOptions {
  if (!ctx.jobs) throw new MlError('STORE_UNAVAILABLE', { reason: 'this server has no job queue' });
  return ctx.jobs;
}
