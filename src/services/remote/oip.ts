import { MlError } from '../../errors/ml-error.js';
import { REMOTE_DATATYPES, type RemoteDatatype, type RemoteNode } from '../schema.js';
import { base } from './friendly.js';
import { instancesToTensor, integerProblem, tensorRows, type FlatTensor } from './oip-tensor.js';
import { errorMessage, failedExchange, isExchange, malformed, ourClientError, parseJson, type Attempt, type Exchange, type Send, type WireFormat } from './wire.js';

/** The input tensor a v2 node sends: configured, or read from the model's metadata. */
interface InputSpec {
  readonly name: string;
  readonly datatype: RemoteDatatype;
}

/** The first input as the model's metadata lists it (any datatype, checked per node). */
interface ListedInput {
  readonly name: string;
  readonly datatype: string;
}

interface OipTensor {
  readonly name?: unknown;
  readonly datatype?: unknown;
  readonly shape?: unknown;
  readonly data?: unknown;
}

/**
 * The Open Inference Protocol v2, JSON (KServe v2, Triton's REST API, our own /v2):
 * `POST {url}/v2/models/{model}[/versions/{version}]/infer`. Without `input` in
 * the config, the input's name and datatype come from `GET {url}/v2/models/{model}`
 * on the first call, kept per target for the life of the server.
 */
export class OipFormat implements WireFormat {
  readonly #inputs = new Map<string, ListedInput>();

  target(node: RemoteNode): string {
    return `${base(node)}${modelPath(node)}`;
  }

  prepare(node: RemoteNode, instances: readonly unknown[], requestId: string): (send: Send) => Promise<Attempt> {
    const target = this.target(node);
    const tensor = instancesToTensor(instances, node.input ?? this.#inputs.get(target)?.name ?? 'instances');
    return async (send) => {
      const spec = await this.#input(node, target, send);
      if (!('name' in spec)) return spec;
      const problem = integerProblem(tensor, spec.name, spec.datatype);
      if (problem) return { error: problem, remoteUp: true };
      const result = await send({ method: 'POST', path: `${modelPath(node)}/infer`, body: JSON.stringify(inferBody(node, spec, tensor, requestId)) });
      if (!isExchange(result)) return result;
      if (result.status === 200) return answer(node, target, result.text, instances.length);
      return failedExchange(target, result, result.status === 400 ? clientError(result) : undefined);
    };
  }

  async #input(node: RemoteNode, target: string, send: Send): Promise<InputSpec | Attempt> {
    if (node.input !== undefined) return { name: node.input, datatype: node.datatype ?? 'FP32' };
    let listed = this.#inputs.get(target);
    if (!listed) {
      const result = await send({ method: 'GET', path: modelPath(node) });
      if (!isExchange(result)) return result;
      // A metadata failure is the remote's, never the client's: no pass-through here.
      if (result.status !== 200) return failedExchange(target, result, undefined);
      const inputs = (parseJson(result.text) as { inputs?: unknown } | undefined)?.inputs;
      const first = (Array.isArray(inputs) ? inputs[0] : undefined) as OipTensor | undefined;
      if (typeof first?.name !== 'string') return malformed(target, 'the model metadata lists no input');
      listed = { name: first.name, datatype: String(first.datatype) };
      this.#inputs.set(target, listed);
    }
    const datatype = node.datatype ?? listed.datatype;
    if (!isDatatype(datatype)) {
      const reason = `input "${listed.name}" is ${datatype}; set "datatype" to one of ${REMOTE_DATATYPES.join(', ')}`;
      return { error: new MlError('REMOTE_UNAVAILABLE', { target, reason }), remoteUp: true };
    }
    return { name: listed.name, datatype };
  }
}

/** "/v2/models/iris" or "/v2/models/iris/versions/2": the metadata path, and the infer path without "/infer". */
function modelPath(node: RemoteNode): string {
  const model = `/v2/models/${encodeURIComponent(node.model ?? '')}`;
  return node.version !== undefined ? `${model}/versions/${encodeURIComponent(node.version)}` : model;
}

function inferBody(node: RemoteNode, spec: InputSpec, tensor: FlatTensor, requestId: string): unknown {
  // Without `output` every output comes back (the first one gives the rows), so none is named.
  const outputs = node.output !== undefined ? [node.output, ...(node.labelOutput !== undefined ? [node.labelOutput] : [])] : undefined;
  return {
    id: requestId,
    inputs: [{ name: spec.name, shape: tensor.shape, datatype: spec.datatype, data: tensor.data }],
    ...(outputs ? { outputs: outputs.map((name) => ({ name })) } : {}),
  };
}

function answer(node: RemoteNode, target: string, text: string, count: number): Attempt {
  const outputs = (parseJson(text) as { outputs?: unknown } | undefined)?.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0) return malformed(target, 'no "outputs"');
  const tensors = outputs as OipTensor[];
  const chosen = node.output !== undefined ? tensors.find((t) => t.name === node.output) : tensors[0];
  if (!chosen) return malformed(target, `no output "${node.output ?? ''}"`);
  const rows = tensorRows(chosen, count);
  if (typeof rows === 'string') return malformed(target, `output "${String(chosen.name)}": ${rows}`);
  if (node.labelOutput === undefined) return { value: { rows } };
  const labelTensor = tensors.find((t) => t.name === node.labelOutput);
  const labels = labelTensor ? tensorRows(labelTensor, count) : `no output "${node.labelOutput}"`;
  if (typeof labels === 'string') return malformed(target, `labelOutput: ${labels}`);
  // [n] and [n, 1] BYTES tensors both hold one label per instance.
  const strings = labels.map((l) => (Array.isArray(l) && l.length === 1 ? (l[0] as unknown) : l));
  if (!strings.every((l): l is string => typeof l === 'string')) return malformed(target, `labelOutput "${node.labelOutput}" is not one string (BYTES) per instance`);
  return { value: { rows, labels: strings } };
}

/**
 * A 400 is about the request, and the request is the client's instances: our own
 * code when the remote is an mlpatterns server, else INVALID_REQUEST with the
 * remote's message (an OIP error is `{"error": "..."}`).
 */
function clientError(exchange: Exchange): MlError | undefined {
  const ours = ourClientError(exchange);
  if (ours) return ours;
  const message = errorMessage(exchange.text);
  return message !== undefined ? new MlError('INVALID_REQUEST', { reason: message }) : undefined;
}

function isDatatype(value: unknown): value is RemoteDatatype {
  return typeof value === 'string' && (REMOTE_DATATYPES as readonly string[]).includes(value);
}
