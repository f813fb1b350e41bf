import type { FastifyReply, FastifyRequest } from 'fastify';
import { MlError } from '../../errors/ml-error.js';
import { encodeBinaryInferResponse } from '../../protocol/oip-binary.js';
import { encodeInferResponse, type InferRequest } from '../../protocol/oip-json.js';
import { toJsonData } from '../../protocol/convert.js';
import { wantsBinaryOutputs } from '../../protocol/oip-types.js';
import { requestAttributes } from '../../services/condition.js';
import type { NodeValue } from '../../services/node-value.js';
import type { ModelRunner } from '../../services/run-context.js';
import type { NamedTensors, Tensor } from '../../tensor/tensor.js';
import type { ServerContext } from '../context.js';

/** Services have no versions of their own: the models under them do. */
export const SERVICE_VERSION = '1';
const OUTPUTS = ['predictions', 'labels'] as const;

/**
 * A service as an Open Inference Protocol model, so OIP clients (tritonclient,
 * KServe's) can call a whole graph. The one input tensor's rows are the
 * instances; `predictions` is FP64 when every row is a number or a list of
 * numbers of one length, else BYTES holding each row as JSON; `labels` (BYTES)
 * when the service gives labels.
 */
export function serviceMetadata(name: string) {
  return {
    name,
    versions: [SERVICE_VERSION],
    platform: 'mlpatterns_service',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, -1] }],
    outputs: [
      { name: 'predictions', datatype: 'FP64', shape: [-1, -1] },
      { name: 'labels', datatype: 'BYTES', shape: [-1] },
    ],
  };
}

export async function inferService(ctx: ServerContext, runModel: ModelRunner, name: string, inferReq: InferRequest, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const inputs = Object.entries(inferReq.inputs);
  const [first] = inputs;
  if (!first || inputs.length > 1) {
    throw new MlError('INVALID_REQUEST', { reason: `service "${name}" takes exactly one input tensor (its rows are the instances), got ${inputs.length}` });
  }
  // Header rules of condition nodes work as on /v1; OIP has no body fields beside the tensors.
  const request = requestAttributes(req.headers, undefined);
  const value = await ctx.services.run(name, instancesOf(first[1], first[0]), { requestId: req.id, runModel, request });
  const outputs = outputTensors(value);
  const available = Object.keys(outputs);
  const order = inferReq.requestedOutputs ?? available;
  for (const output of order) {
    if (!available.includes(output)) throw new MlError('UNKNOWN_OUTPUT', { output, expected: available.join(', ') });
  }
  const response = { modelName: name, modelVersion: SERVICE_VERSION, ...(inferReq.id !== undefined ? { id: inferReq.id } : {}), outputs, order };
  if (wantsBinaryOutputs(inferReq, order)) {
    const { body, headerLength, hasBinaryData } = encodeBinaryInferResponse(response, inferReq);
    if (hasBinaryData) return reply.header('content-type', 'application/octet-stream').header('Inference-Header-Content-Length', String(headerLength)).send(body);
    return reply.type('application/json').send(body);
  }
  return reply.send(encodeInferResponse(response));
}

function instancesOf(tensor: Tensor, inputName: string): unknown[] {
  if (tensor.shape.length === 0) throw new MlError('INVALID_SHAPE', { input: inputName, reason: 'a scalar; a service takes shape [n, …], one row per instance' });
  const nested = toJsonData(tensor);
  return Array.isArray(nested) ? nested : [nested];
}

function outputTensors(value: NodeValue): NamedTensors {
  const n = value.rows.length;
  const out: NamedTensors = { predictions: numericTensor(value.rows) ?? { dtype: 'string', shape: [n], data: value.rows.map((r) => JSON.stringify(r)) } };
  if (value.labels) out[OUTPUTS[1]] = { dtype: 'string', shape: [n], data: [...value.labels] };
  return out;
}

/** FP64 `[n]` for number rows, `[n, k]` for number lists of one length k; undefined otherwise. */
function numericTensor(rows: readonly unknown[]): Tensor | undefined {
  if (rows.every((r) => typeof r === 'number')) return { dtype: 'float64', shape: [rows.length], data: Float64Array.from(rows as number[]) };
  const width = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : -1;
  const flat = rows.every((r) => Array.isArray(r) && r.length === width && r.every((v) => typeof v === 'number'));
  if (!flat || width < 0) return undefined;
  return { dtype: 'float64', shape: [rows.length, width], data: Float64Array.from((rows as number[][]).flat()) };
}
