import type { DType } from '../../tensor/tensor.js';
import { floatAttr, intAttr } from '../attributes.js';
import { elemTypeFromDType } from '../elem-type.js';
import { floatTensor, int64Tensor } from '../initializers.js';
import {
  encodeModel,
  ML_DOMAIN,
  type IAttributeProto,
  type IModelProto,
  type INodeProto,
  type ITensorProto,
  type IValueInfoProto,
} from '../proto.js';
import { tensorValueInfo, type DimSpec } from '../value-info.js';
import { toFlatWeights, type Weights } from './weights.js';

/** Default-domain opset the writer targets: Softmax/ArgMax/Reshape semantics below follow opset 13. */
export const WRITER_OPSET = 13;
/** IR version 7 is the one that introduced opset 13 (ONNX 1.8). */
export const WRITER_IR_VERSION = 7;
/**
 * ai.onnx.ml opset imported when the graph uses a classical-ML op: version 2 ships with ONNX 1.8 beside
 * opset 13, and its TreeEnsemble*, LinearRegressor and Scaler are the version-1 operators every runtime knows.
 */
export const WRITER_ML_OPSET = 2;

/** Opset version per domain the writer can emit ops of. */
const OPSET_BY_DOMAIN: ReadonlyMap<string, number> = new Map([
  ['', WRITER_OPSET],
  [ML_DOMAIN, WRITER_ML_OPSET],
]);

export interface NodeOptions {
  /** Operator domain: '' (default ONNX ops) or 'ai.onnx.ml'. @default '' */
  readonly domain?: string;
  readonly attributes?: readonly IAttributeProto[];
  /** Names of the op's outputs, in order (undefined: a generated name), or how many generated outputs. @default 1 */
  readonly outputs?: readonly (string | undefined)[] | number;
}

export interface ValueOptions {
  /** Name of the value the op produces, e.g. a graph output name. @default a generated name */
  readonly name?: string;
}

export interface GraphBuilderOptions {
  /** @default "mlpatterns" */
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
}

/**
 * Builds a small ONNX inference graph (opset 13, float32 weights) in code.
 *
 * Every op takes the names of its input values and returns the name of the value
 * it produces, so graphs compose like expressions and any value can feed several
 * ops:
 *
 * @example
 * const g = new GraphBuilder('logreg');
 * const x = g.input('features', 'float32', [-1, 4]);
 * const logits = g.dense(x, weights, bias);                  // weights: [4][3]
 * g.output(g.softmax(logits, { name: 'probabilities' }), 'float32', [-1, 3]);
 * g.output(g.argMax(logits, { name: 'label' }), 'int64', [-1]);
 * const bytes = g.toBytes();
 *
 * Names are checked for uniqueness as they are declared: ONNX values are
 * single-assignment, and a duplicate would only fail later, inside onnxruntime.
 */
export class GraphBuilder {
  private readonly nodes: INodeProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private readonly metadataProps: { key: string; value: string }[] = [];
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly graphName: string,
    private readonly options: GraphBuilderOptions = {},
  ) {}

  // --- interface -------------------------------------------------------------

  /** Declares a graph input; -1 (or a string, a symbolic name) marks a dynamic dimension. */
  input(name: string, dtype: DType, shape: readonly DimSpec[]): string {
    this.claim(name);
    this.inputs.push(tensorValueInfo(name, dtype, shape));
    return name;
  }

  /** Declares an existing value as a graph output (name it through the producing op's `name` option). */
  output(value: string, dtype: DType, shape: readonly DimSpec[]): this {
    if (!this.names.has(value)) throw new Error(`output "${value}" is not a value of the graph`);
    this.outputs.push(tensorValueInfo(value, dtype, shape));
    return this;
  }

  /** A metadata_props entry (e.g. class_labels, which inspectModel reads). */
  metadata(key: string, value: string): this {
    this.metadataProps.push({ key, value });
    return this;
  }

  // --- constants -------------------------------------------------------------

  /** A float32 initializer. */
  constant(weights: Weights, options: ValueOptions = {}): string {
    const { values, dims } = toFlatWeights(weights);
    const name = this.valueName('const', options);
    this.initializers.push(floatTensor(name, values, dims));
    return name;
  }

  /** An int64 initializer (shapes, indices). */
  int64Constant(values: readonly number[], dims: readonly number[] = [values.length], options: ValueOptions = {}): string {
    const name = this.valueName('const', options);
    this.initializers.push(int64Tensor(name, values, dims));
    return name;
  }

  // --- linear algebra --------------------------------------------------------

  /** Y = alpha * A' * B' + beta * C, with A' = A or transpose(A) (likewise B). A and B are 2-D. */
  gemm(
    a: string,
    b: string,
    c?: string,
    options: ValueOptions & { alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {},
  ): string {
    const attributes: IAttributeProto[] = [];
    if (options.alpha !== undefined) attributes.push(floatAttr('alpha', options.alpha));
    if (options.beta !== undefined) attributes.push(floatAttr('beta', options.beta));
    if (options.transA) attributes.push(intAttr('transA', 1));
    if (options.transB) attributes.push(intAttr('transB', 1));
    return this.op('Gemm', c === undefined ? [a, b] : [a, b, c], attributes, options);
  }

  /** x · weights + bias, with weights laid out [in][out] (as trainers hold them). */
  dense(x: string, weights: Weights, bias: readonly number[], options: ValueOptions = {}): string {
    const w = toFlatWeights(weights);
    const out = w.dims[1];
    if (w.dims.length !== 2 || out !== bias.length) {
      throw new Error(`dense: weights [${w.dims.join(', ')}] do not match a bias of ${bias.length}`);
    }
    return this.gemm(x, this.constant(w), this.constant({ values: bias, dims: [bias.length] }), options);
  }

  matMul(a: string, b: string, options: ValueOptions = {}): string {
    return this.op('MatMul', [a, b], [], options);
  }

  // --- element-wise (numpy broadcasting) -------------------------------------

  add(a: string, b: string, options: ValueOptions = {}): string {
    return this.op('Add', [a, b], [], options);
  }

  sub(a: string, b: string, options: ValueOptions = {}): string {
    return this.op('Sub', [a, b], [], options);
  }

  mul(a: string, b: string, options: ValueOptions = {}): string {
    return this.op('Mul', [a, b], [], options);
  }

  div(a: string, b: string, options: ValueOptions = {}): string {
    return this.op('Div', [a, b], [], options);
  }

  relu(x: string, options: ValueOptions = {}): string {
    return this.op('Relu', [x], [], options);
  }

  sigmoid(x: string, options: ValueOptions = {}): string {
    return this.op('Sigmoid', [x], [], options);
  }

  tanh(x: string, options: ValueOptions = {}): string {
    return this.op('Tanh', [x], [], options);
  }

  // --- reductions and shapes -------------------------------------------------

  /** Softmax along one axis (opset 13 semantics). @default axis -1 */
  softmax(x: string, options: ValueOptions & { axis?: number } = {}): string {
    return this.op('Softmax', [x], [intAttr('axis', options.axis ?? -1)], options);
  }

  /** Index of the largest value (first one on ties), as int64. @default axis -1, keepdims false */
  argMax(x: string, options: ValueOptions & { axis?: number; keepdims?: boolean } = {}): string {
    const attributes = [intAttr('axis', options.axis ?? -1), intAttr('keepdims', options.keepdims ? 1 : 0)];
    return this.op('ArgMax', [x], attributes, options);
  }

  cast(x: string, to: DType, options: ValueOptions = {}): string {
    return this.op('Cast', [x], [intAttr('to', elemTypeFromDType(to))], options);
  }

  identity(x: string, options: ValueOptions = {}): string {
    return this.op('Identity', [x], [], options);
  }

  /** Reshape to `shape` (0 copies the input dimension, -1 is inferred). */
  reshape(x: string, shape: readonly number[], options: ValueOptions = {}): string {
    return this.op('Reshape', [x, this.int64Constant(shape)], [], options);
  }

  // --- any operator ----------------------------------------------------------

  /**
   * An operator without a dedicated method, e.g. `TreeEnsembleRegressor` of ai.onnx.ml (whose opset the
   * model then imports). Returns the names of its outputs, in order.
   */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    const domain = options.domain ?? '';
    if (!OPSET_BY_DOMAIN.has(domain)) throw new Error(`${opType}: the writer has no opset for domain "${domain}"`);
    const outputs = options.outputs ?? 1;
    const names = typeof outputs === 'number' ? new Array<string | undefined>(outputs).fill(undefined) : outputs;
    return this.emit(opType, [...inputs], [...(options.attributes ?? [])], names, domain);
  }

  // --- output ----------------------------------------------------------------

  build(): IModelProto {
    if (this.outputs.length === 0) throw new Error(`graph "${this.graphName}" has no outputs`);
    return {
      irVersion: WRITER_IR_VERSION,
      opsetImport: this.opsetImports(),
      producerName: this.options.producerName ?? 'mlpatterns',
      ...(this.options.producerVersion !== undefined && { producerVersion: this.options.producerVersion }),
      ...(this.options.docString !== undefined && { docString: this.options.docString }),
      graph: {
        name: this.graphName,
        node: [...this.nodes],
        initializer: [...this.initializers],
        input: [...this.inputs],
        output: [...this.outputs],
      },
      metadataProps: [...this.metadataProps],
    };
  }

  toBytes(): Uint8Array {
    return encodeModel(this.build());
  }

  // --- machinery -------------------------------------------------------------

  private op(opType: string, inputs: string[], attribute: IAttributeProto[], options: ValueOptions): string {
    const [output] = this.emit(opType, inputs, attribute, [options.name], '');
    return output as string;
  }

  private emit(opType: string, inputs: string[], attribute: IAttributeProto[], outputNames: readonly (string | undefined)[], domain: string): string[] {
    for (const input of inputs) {
      if (!this.names.has(input)) throw new Error(`${opType}: input "${input}" is not a value of the graph`);
    }
    const output = outputNames.map((name) => this.valueName(opType.toLowerCase(), name === undefined ? {} : { name }));
    this.nodes.push({ name: this.generate(opType), opType, input: inputs, output, attribute, ...(domain !== '' && { domain }) });
    return output;
  }

  /** The default opset always, plus every other domain a node uses (ONNX requires an import per domain). */
  private opsetImports(): { domain: string; version: number }[] {
    const domains = new Set(['', ...this.nodes.map((n) => n.domain ?? '')]);
    return [...domains].map((domain) => ({ domain, version: OPSET_BY_DOMAIN.get(domain) ?? WRITER_OPSET }));
  }

  private valueName(prefix: string, options: ValueOptions): string {
    if (options.name === undefined) return this.generate(prefix);
    this.claim(options.name);
    return options.name;
  }

  /** `prefix_<n>`, skipping names already declared by hand. */
  private generate(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name: string;
    do name = `${prefix}_${n++}`;
    while (this.names.has(name));
    this.counters.set(prefix, n);
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (name === '') throw new Error('value names must not be empty');
    if (this.names.has(name)) throw new Error(`name "${name}" is already used in graph "${this.graphName}"`);
    this.names.add(name);
  }
}
