import type { FastifyInstance } from 'fastify';
import { decodePredictRequest } from '../../protocol/friendly.js';
import { predict } from '../../serving/predict.js';
import { requestAttributes } from '../../services/condition.js';
import { currentVersion, modelBody, toNodeValue } from '../../services/model-runner.js';
import { predictAnswer } from '../../services/predict-answer.js';
import type { ModelRunner } from '../../services/run-context.js';
import type { ServerContext } from '../context.js';
import { observed } from '../observe.js';
import { requireJson } from './require-json.js';

type NameParams = { Params: { name: string } };

/** Pattern-graph services: `/v1/services[/{name}[/predict]]`. */
export function serviceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const services = ctx.services;
  const runModel = observedRunner(ctx);

  /** Aggregated health of the models a service uses: ready when all are served and the server is not draining. */
  const describeHealth = (name: string) => {
    const models = services.modelsOf(name).map((model) => {
      const served = ctx.repository.has(model);
      const host = served ? ctx.repository.get(model) : undefined;
      return { name: model, ready: served && !ctx.isShuttingDown(), ...(host ? { version: host.current.version, in_flight: host.inFlight } : {}) };
    });
    return { ready: !ctx.isShuttingDown() && models.every((m) => m.ready), models };
  };

  app.get('/v1/services', async () => ({
    services: services.names().map((name) => ({ name, ...describeHealth(name) })),
  }));

  app.get<NameParams>('/v1/services/:name', async (req) => {
    const entry = services.get(req.params.name);
    return { name: entry.name, graph: entry.graph, ...describeHealth(entry.name) };
  });

  app.post<NameParams>('/v1/services/:name/predict', async (req) => {
    requireJson(req);
    const name = req.params.name;
    services.get(name); // 404 before the body is looked at
    const request = decodePredictRequest(req.body);
    const value = await services.run(name, request.instances, { requestId: req.id, runModel, request: requestAttributes(req.headers, req.body), keys: request.keys });
    return predictAnswer(name, req.id, request.keys, value);
  });
}

/** Model calls from a graph count in the per-model metrics under protocol "service", with the model's own limits. */
export function observedRunner(ctx: ServerContext): ModelRunner {
  const run = (call: Parameters<ModelRunner>[0]) =>
    observed(ctx, 'service', call.model, async (lease, cc) => {
      cc.note({ requestId: call.requestId, service: call.service, node: call.node, inputs: call.instances });
      const res = await predict(lease.model, modelBody(call), call.requestId, cc.deadline);
      cc.countRows(res.predictions.length);
      cc.note({ outputs: res.predictions, labels: res.labels });
      return toNodeValue(res);
    });
  return Object.assign(run, { versionOf: currentVersion(ctx.repository) });
}
