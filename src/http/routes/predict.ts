import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MlError } from '../../errors/ml-error.js';
import { describeModel } from '../../serving/metadata.js';
import type { LoadedModel } from '../../serving/loaded-model.js';
import { predict } from '../../serving/predict.js';
import type { ServerContext } from '../context.js';
import { observed, shedEarly, type CallContext } from '../observe.js';
import { requireJson } from './require-json.js';

type NameParams = { Params: { name: string } };

/** The friendly JSON API (`/v1/models/...`) and the web-single shortcuts. */
export function predictRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/models', async () => ({
    models: ctx.repository.names().map((name) => {
      const model = ctx.repository.get(name).current;
      return { name, version: model.version, ready: !ctx.isShuttingDown() };
    }),
  }));

  const metadata = async (req: FastifyRequest<NameParams>) => describeModel(ctx.repository.get(req.params.name).current);
  app.get<NameParams>('/v1/models/:name', metadata);
  app.get<NameParams>('/v1/models/:name/metadata', metadata);

  app.post<NameParams>('/v1/models/:name/predict', { onRequest: shedEarly(ctx, 'v1') }, async (req) => {
    requireJson(req);
    return observed(ctx, 'v1', req.params.name, (lease, call) => predictCounted(lease.model, req.body, req.id, call));
  });

  // Web single: one model, three routes, as the reference template has them.
  const soleModel = (): string => {
    const [first] = ctx.repository.names();
    if (first === undefined) throw new MlError('MODEL_NOT_FOUND', { name: '(none served)' });
    return first;
  };
  app.get('/health', async () => ({ health: 'ok', models: ctx.repository.names() }));
  app.get('/metadata', async () => describeModel(ctx.repository.get(soleModel()).current));
  app.post('/predict', async (req) => {
    requireJson(req);
    return observed(ctx, 'v1', soleModel(), (lease, call) => predictCounted(lease.model, req.body, req.id, call));
  });
}

async function predictCounted(model: LoadedModel, body: unknown, requestId: string, call: CallContext) {
  call.note({ requestId, inputs: loggedInstances(body) });
  const response = await predict(model, body, requestId, call.deadline);
  call.countRows(response.predictions.length);
  call.note({ outputs: response.predictions, labels: response.labels, keys: response.keys });
  return response;
}

/** The instances as sent, for the prediction log (the body is checked by `predict`). */
function loggedInstances(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'instances' in body ? body.instances : undefined;
}
