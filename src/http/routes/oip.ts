import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlError } from '../../errors/ml-error.js';
import { decodeBinaryInferRequest, encodeBinaryInferResponse } from '../../protocol/oip-binary.js';
import { decodeInferRequest, encodeInferResponse, type InferRequest } from '../../protocol/oip-json.js';
import { wantsBinaryOutputs } from '../../protocol/oip-types.js';
import { validateInputs } from '../../protocol/validate.js';
import type { LoadedModel } from '../../serving/loaded-model.js';
import { pickSignature } from '../../serving/predict.js';
import { toOipDatatype } from '../../tensor/dtype.js';
import type { TensorSpec } from '../../tensor/tensor.js';
import type { ServerContext } from '../context.js';
import { observed, shedEarly } from '../observe.js';
import { inferService, SERVICE_VERSION, serviceMetadata } from './oip-services.js';
import { observedRunner } from './services.js';

type ModelParams = { Params: { name: string; version?: string } };

const HEADER_LENGTH = 'inference-header-content-length';
const SERVER_VERSION = '0.1.0';

/** Open Inference Protocol v2 (KServe v2 / Triton), JSON and the binary tensor extension. */
export function oipRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v2', async () => ({ name: 'mlpatterns', version: SERVER_VERSION, extensions: ['binary_tensor_data'] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    const ready = !ctx.isShuttingDown();
    return reply.status(ready ? 200 : 503).send({ ready });
  });

  // A name that is not a model may be a service: a whole graph callable by OIP clients.
  const isService = (params: ModelParams['Params']): boolean => !ctx.repository.has(params.name) && ctx.services.has(params.name);
  const serviceVersion = (params: ModelParams['Params']): void => {
    if (params.version !== undefined && params.version !== SERVICE_VERSION) throw new MlError('VERSION_NOT_FOUND', { name: params.name, version: params.version });
  };
  const runModel = observedRunner(ctx);

  const metadata = async (req: FastifyRequest<ModelParams>) => {
    if (isService(req.params)) {
      serviceVersion(req.params);
      return serviceMetadata(req.params.name);
    }
    const model = versionOf(ctx.repository.get(req.params.name).current, req.params);
    const sig = model.signatures[model.defaultSignature];
    return {
      name: model.name,
      versions: [model.version],
      platform: model.platform,
      inputs: (sig?.inputs ?? []).map(tensorMetadata),
      outputs: model.outputSpecs.map(tensorMetadata),
    };
  };
  app.get<ModelParams>('/v2/models/:name', metadata);
  app.get<ModelParams>('/v2/models/:name/versions/:version', metadata);

  // tritonclient's is_model_ready looks at the status only, so not ready must not be a 200.
  const ready = async (req: FastifyRequest<ModelParams>, reply: FastifyReply) => {
    if (isService(req.params)) {
      serviceVersion(req.params);
      const isReady = !ctx.isShuttingDown() && ctx.services.modelsOf(req.params.name).every((m) => ctx.repository.has(m));
      return reply.status(isReady ? 200 : 503).send({ name: req.params.name, ready: isReady });
    }
    const model = versionOf(ctx.repository.get(req.params.name).current, req.params);
    const isReady = !ctx.isShuttingDown();
    return reply.status(isReady ? 200 : 503).send({ name: model.name, ready: isReady });
  };
  app.get<ModelParams>('/v2/models/:name/ready', ready);
  app.get<ModelParams>('/v2/models/:name/versions/:version/ready', ready);

  const infer = (req: FastifyRequest<ModelParams>, reply: FastifyReply) => {
    if (isService(req.params)) {
      serviceVersion(req.params);
      return inferService(ctx, runModel, req.params.name, decodeBody(req), req, reply);
    }
    return inferModel(req, reply);
  };
  const inferModel = (req: FastifyRequest<ModelParams>, reply: FastifyReply) =>
    observed(ctx, 'v2', req.params.name, async (lease, call) => {
      const model = versionOf(lease.model, req.params);
      call.note({ requestId: req.id });
      const inferReq = decodeBody(req);
      call.note({ inputs: inferReq.inputs });
      const signature = pickSignature(model, inferReq.signature);
      validateInputs(inferReq.inputs, signature);
      const available = model.availableOutputs(signature.name);
      const outputs = inferReq.requestedOutputs ?? available;
      for (const name of outputs) {
        if (!available.includes(name)) throw new MlError('UNKNOWN_OUTPUT', { output: name, expected: available.join(', ') });
      }
      const result = await model.infer(inferReq.inputs, { signature: signature.name, outputs, ...call.deadline });
      call.countRows(Object.values(inferReq.inputs)[0]?.shape[0] ?? 0);
      call.note({ outputs: result.outputs, labels: result.predictedLabels });
      const response = {
        modelName: model.name,
        modelVersion: model.version,
        ...(inferReq.id !== undefined ? { id: inferReq.id } : {}),
        outputs: result.outputs,
        order: outputs,
      };
      if (wantsBinaryOutputs(inferReq, outputs)) {
        const { body, headerLength, hasBinaryData } = encodeBinaryInferResponse(response, inferReq);
        if (!hasBinaryData) return reply.type('application/json').send(body);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('Inference-Header-Content-Length', String(headerLength))
          .send(body);
      }
      return reply.send(encodeInferResponse(response));
    });
  const shed = { onRequest: shedEarly(ctx, 'v2') };
  app.post<ModelParams>('/v2/models/:name/infer', shed, infer);
  app.post<ModelParams>('/v2/models/:name/versions/:version/infer', shed, infer);
}

function decodeBody(req: FastifyRequest): InferRequest {
  const header = req.headers[HEADER_LENGTH];
  if (header !== undefined) {
    const length = Number(header);
    if (!Buffer.isBuffer(req.body)) {
      throw new MlError('INVALID_BINARY_PAYLOAD', { reason: 'send the binary request as application/octet-stream' });
    }
    if (!Number.isInteger(length) || length < 0) {
      throw new MlError('INVALID_BINARY_PAYLOAD', { reason: `bad ${HEADER_LENGTH} "${String(header)}"` });
    }
    return decodeBinaryInferRequest(req.body, length);
  }
  if (Buffer.isBuffer(req.body)) {
    // tritonclient sends JSON requests without any Content-Type: the whole body is the JSON header.
    return decodeBinaryInferRequest(req.body, req.body.length);
  }
  return decodeInferRequest(req.body);
}

/** The version in the URL must be the one being served (OIP has no implicit fallback). */
function versionOf(model: LoadedModel, params: { name: string; version?: string }): LoadedModel {
  if (params.version !== undefined && params.version !== model.version) {
    throw new MlError('VERSION_NOT_FOUND', { name: params.name, version: params.version });
  }
  return model;
}

function tensorMetadata(t: TensorSpec): { name: string; datatype: string; shape: readonly number[] } {
  return { name: t.name, datatype: toOipDatatype(t.dtype), shape: t.shape };
}
