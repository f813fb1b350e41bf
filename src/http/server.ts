import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MlError } from '../errors/ml-error.js';
import type { Logger } from 'pino';
import type { JobApiOptions } from '../jobs/job-api-options.js';
import type { PredictionLogger } from '../predlog/prediction-logger.js';
import type { ModelRepository } from '../serving/model-repository.js';
import { ServiceRepository } from '../services/service-repository.js';
import type { ServerContext } from './context.js';
import { installErrorHandling } from './error-handler.js';
import { ServerMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, genRequestId } from './request-id.js';
import { docsRoutes } from './routes/docs.js';
import { jobRoutes } from './routes/jobs.js';
import { feedbackRoutes } from './routes/feedback.js';
import { logRoutes } from './routes/logs.js';
import { oipRoutes } from './routes/oip.js';
import { operationsRoutes } from './routes/operations.js';
import { predictRoutes } from './routes/predict.js';
import { serviceRoutes } from './routes/services.js';

const HEALTH_ROUTES = /^\/(v2\/health\/|health$|v2\/models\/[^/]+(\/versions\/[^/]+)?\/ready$)/;

function isHealthRoute(url: string): boolean {
  return HEALTH_ROUTES.test(url.split('?')[0] ?? '');
}

/** Errors Fastify raises before routing (a malformed URL): same error shape, same request id header. */
function frameworkErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const err = new MlError('INVALID_REQUEST', { reason: error.message }, { cause: error });
  void reply.header(REQUEST_ID_HEADER, req.id).status(err.status).send(err.toJSON());
}

export interface BuildServerOptions {
  readonly repository: ModelRepository;
  /** Pattern-graph services. @default none */
  readonly services?: ServiceRepository;
  /** pino logger; `false` disables request logging (tests, benchmarks). */
  readonly logger?: Logger | false;
  /** Largest accepted request body in bytes. @default 16 MiB */
  readonly bodyLimit?: number;
  readonly metrics?: ServerMetrics;
  /** The job queue of `POST /v1/services/{name}/jobs` (docs/jobs.md). @default none: that route answers 503 */
  readonly jobs?: JobApiOptions;
  /** Records every prediction (docs/prediction-log.md). @default none: nothing is logged, `GET /v1/logs` answers 503 */
  readonly predictionLog?: PredictionLogger;
}

export interface MlServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Marks the server as shutting down: readiness turns false, new work is refused. */
  beginShutdown(): void;
}

/** Builds the Fastify app: OIP v2, friendly JSON, metrics, docs, one error shape. */
export async function buildServer(options: BuildServerOptions): Promise<MlServer> {
  const bodyLimit = options.bodyLimit ?? 16 * 1024 * 1024;
  // Typed as the base logger so the app is a plain FastifyInstance for the route plugins.
  const loggerInstance: FastifyBaseLogger | undefined = options.logger || undefined;
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    bodyLimit,
    genReqId: genRequestId,
    requestIdHeader: false,
    // One log line per request, written by our onResponse hook, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Our onRequest hook answers 503 SHUTTING_DOWN in our error shape instead.
    return503OnClosing: false,
    frameworkErrors: frameworkErrorHandler,
  });
  const metrics = options.metrics ?? new ServerMetrics();
  let shuttingDown = false;
  const services = options.services ?? new ServiceRepository([]);
  const ctx: ServerContext = { repository: options.repository, services, metrics, jobs: options.jobs, predictionLog: options.predictionLog, isShuttingDown: () => shuttingDown };

  // Any non-JSON body (binary OIP requests, and tritonclient's, which carry no
  // Content-Type) arrives as raw bytes; each route decides what it accepts.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    void reply.header(REQUEST_ID_HEADER, req.id);
    // While draining, only health checks are answered (so load balancers see not-ready).
    if (shuttingDown && !isHealthRoute(req.url)) throw new MlError('SHUTTING_DOWN');
  });
  // While draining, tell keep-alive clients to hang up after their answer: an idle
  // kept-alive socket would otherwise hold the server open until its keep-alive timeout.
  app.addHook('onSend', async (_req, reply) => {
    if (shuttingDown) void reply.header('connection', 'close');
  });
  if (options.logger) {
    app.addHook('onResponse', async (req, reply) => {
      req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    });
  }

  installErrorHandling(app, bodyLimit);
  await docsRoutes(app);
  operationsRoutes(app, ctx);
  predictRoutes(app, ctx);
  serviceRoutes(app, ctx);
  jobRoutes(app, ctx);
  logRoutes(app, ctx);
  feedbackRoutes(app, ctx);
  oipRoutes(app, ctx);
  await app.ready();
  return { app, metrics, beginShutdown: () => (shuttingDown = true) };
}
