import { z } from 'zod';

/**
 * The service graph as configured (`services:` in mlpatterns.yaml) and as built
 * by the TypeScript API (builders.ts): plain data, validated once at start-up.
 * The types are written out by hand because the schema is recursive, which zod
 * cannot infer; the schema below is annotated with them so the two stay in step.
 */

/** Common to every node: parameter-based serving switches. */
export interface NodeCommon {
  /**
   * `false` switches the node off without deleting it: a parallel branch is skipped,
   * a pipeline step passes its input through unchanged. @default true
   */
  readonly active?: boolean;
}

/** Runs a model the server serves (from `models:`), through its lease so alias moves keep draining. */
export interface ModelNode extends NodeCommon {
  readonly type: 'model';
  /** Served model name. */
  readonly model: string;
  /** Signature to call. @default the model's default signature */
  readonly signature?: string;
}

/** Serial: each step's output rows are the next step's instances. */
export interface PipelineNode extends NodeCommon {
  readonly type: 'pipeline';
  readonly steps: readonly ServiceNode[];
}

export const AGGREGATES = ['all', 'mean', 'max-confidence', 'vote', 'first-success'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** Horizontal fan-out: every branch gets the same instances, concurrently. */
export interface ParallelNode extends NodeCommon {
  readonly type: 'parallel';
  readonly branches: Readonly<Record<string, ServiceNode>>;
  /** How branch rows become one row per instance. @default "all" */
  readonly aggregate?: Aggregate;
  /** A branch slower than this is dropped and reported in `failed` (partial result). 0 = none. @default 0 */
  readonly timeoutMs?: number;
}

/** Parameter-based serving: a score and its 0/1 flag against a configured threshold. */
export interface ThresholdNode extends NodeCommon {
  readonly type: 'threshold';
  readonly input: ServiceNode;
  /** Flag is 1 when score ≥ threshold. `${ENV:-0.9}` in the file makes it an environment parameter. */
  readonly threshold: number;
  /** Column of the input row that is the score (a class probability); omit when rows are scalars. */
  readonly column?: number;
}

/** Runs another service's graph (composition by name; cycles are refused at start-up). */
export interface ServiceRefNode extends NodeCommon {
  readonly type: 'service';
  readonly service: string;
}

export const CACHE_STORES = ['memory', 'redis', 'sqlite'] as const;
export type CacheStore = (typeof CACHE_STORES)[number];

/**
 * Prediction cache: answers an instance seen before (same node, same model
 * versions, same instance) without running `input`. Only complete answers are
 * stored (a partial parallel answer is not), and writes never delay the response.
 * With `key`, a data cache: entries are keyed by a data id field of the instance
 * (e.g. fetched, preprocessed features by image id) instead of the whole instance.
 */
export interface CacheNode extends NodeCommon {
  readonly type: 'cache';
  readonly input: ServiceNode;
  /** How long an answer is kept. @default 60000 */
  readonly ttlMs?: number;
  /** Entries kept at most by the memory store (least recently used evicted first). Redis bounds itself (maxmemory). @default 10000 */
  readonly maxEntries?: number;
  /** @default "memory" */
  readonly store?: CacheStore;
  /** Redis server of `store: redis`. @default "redis://127.0.0.1:6379" @example "${REDIS_URL:-redis://127.0.0.1:6379}" */
  readonly url?: string;
  /**
   * Data cache: the dot path of the instance field that identifies the data (`id`, `image.id`);
   * entries are keyed by its value, not by the whole instance. An instance without it is refused (400).
   */
  readonly key?: string;
  /** File of `store: sqlite`; relative paths are relative to the state directory. @default "<stateDir>/cache.sqlite" */
  readonly path?: string;
}

/** A value a rule compares with a header or field; compared as strings, so `5` and `"5"` match alike. */
export type ConditionValue = string | number | boolean;

/** What a rule looks at; every condition given must hold. */
export interface RuleWhen {
  /** Request headers (names case-insensitive) and their exact values. */
  readonly header?: Readonly<Record<string, ConditionValue>>;
  /** Request-body fields beside `instances`, by dot path (`user.tier`), and their exact values. */
  readonly field?: Readonly<Record<string, ConditionValue>>;
  /** UTC hours `[from, to)`; wraps midnight when from > to (`[22, 6]`). */
  readonly hour?: readonly [number, number];
  /**
   * Per instance: the label the previous pipeline step gave it (one value or any of a list).
   * A condition with `label` or `instance` rules routes each instance on its own.
   */
  readonly label?: string | readonly string[];
  /** Per instance: values at dot paths of the instance itself (`"0"` is a list's first item, `setosa.flag` an object's field). */
  readonly instance?: Readonly<Record<string, ConditionValue>>;
}

export interface ConditionRule {
  readonly when: RuleWhen;
  readonly then: ServiceNode;
  /** The route must answer within this, else 504 BRANCH_TIMEOUT naming it. 0 = none. @default 0 */
  readonly timeoutMs?: number;
}

/**
 * Condition-based serving: the first rule whose conditions all hold picks the
 * node that serves the request; none does, `default` serves it.
 */
export interface ConditionNode extends NodeCommon {
  readonly type: 'condition';
  readonly rules: readonly ConditionRule[];
  readonly default: ServiceNode;
  /** Timeout of the default route. 0 = none. @default 0 */
  readonly defaultTimeoutMs?: number;
}

/** Trips a remote target's breaker after `failures` failed calls in a row; one probe after `resetMs`. */
export interface BreakerOptions {
  /** Consecutive failed calls (after their retries) that open the breaker. @default 5 */
  readonly failures?: number;
  /** How long an open breaker fails fast before letting one probe through. @default 5000 */
  readonly resetMs?: number;
}

/** `mlpatterns`: our friendly JSON (/v1); `v2`: the Open Inference Protocol (KServe v2 / Triton REST, JSON). */
export const REMOTE_PROTOCOLS = ['mlpatterns', 'v2'] as const;
export type RemoteProtocol = (typeof REMOTE_PROTOCOLS)[number];
/** The tensor datatypes a `v2` remote node can send (the instances are JSON numbers). */
export const REMOTE_DATATYPES = ['FP32', 'FP64', 'INT64', 'INT32'] as const;
export type RemoteDatatype = (typeof REMOTE_DATATYPES)[number];

/**
 * A model or service of another server. `protocol: mlpatterns` (the default) calls
 * another mlpatterns server's friendly JSON API (`POST {url}/v1/models/{model}/predict`
 * or `/v1/services/{service}/predict`), exactly one of `model` and `service`;
 * `protocol: v2` calls any Open Inference Protocol server
 * (`POST {url}/v2/models/{model}[/versions/{version}]/infer`), `model` only.
 */
export interface RemoteNode extends NodeCommon {
  readonly type: 'remote';
  /** Base URL of the other server, http(s), e.g. "http://pred:8080". */
  readonly url: string;
  readonly model?: string;
  readonly service?: string;
  /** Wire format. @default "mlpatterns" */
  readonly protocol?: RemoteProtocol;
  /** v2 only: the model version to call. @default the server's choice */
  readonly version?: string;
  /** v2 only: the input tensor's name. @default the first input of `GET /v2/models/{model}` */
  readonly input?: string;
  /** v2 only: the input tensor's datatype. @default the metadata's when `input` is not given, else FP32 */
  readonly datatype?: RemoteDatatype;
  /** v2 only: the output tensor that gives the rows. @default the answer's first output */
  readonly output?: string;
  /** v2 only: a BYTES output whose strings become the node's labels. */
  readonly labelOutput?: string;
  /** Budget of the whole call, retries and their waits included. @default 1000 */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error or a 502/503/504. @default 2 */
  readonly retries?: number;
  /** Base of the exponential backoff (full jitter): the n-th retry waits up to backoffMs·2^(n-1). @default 50 */
  readonly backoffMs?: number;
  readonly breaker?: BreakerOptions;
}

/** Where a `map` node reads: the previous step's rows or labels, or the pipeline's own input instances. */
export const MAP_SOURCES = ['rows', 'labels', 'input'] as const;
export type MapSource = (typeof MAP_SOURCES)[number];

/** One part of a mapped row: a source, optionally narrowed to a field (object rows) then to columns (list rows). */
export interface MapPart {
  /** @default "rows" */
  readonly from?: MapSource;
  /** Dot path inside each row, e.g. "setosa.score" (own properties only). */
  readonly field?: string;
  /** Columns of each (list) row, in this order. */
  readonly columns?: readonly number[];
}

/**
 * Explicit output → input mapping between pipeline steps: builds each instance
 * for the next step from the previous step's rows or labels and the pipeline's
 * input. `{type: map}` alone passes the previous value through (labels kept).
 */
export interface MapNode extends NodeCommon, MapPart {
  readonly type: 'map';
  /** Several parts joined into one list row (lists spread, scalars appended), e.g. `[input, rows]` for stacking. */
  readonly concat?: readonly (MapSource | MapPart)[];
}

/**
 * Multiple-stage (time-difference) prediction: `fast` answers the request; `slow`
 * runs in the background and its answer is fetched later under a job id.
 */
export interface MultistageNode extends NodeCommon {
  readonly type: 'multistage';
  readonly fast: ServiceNode;
  readonly slow: ServiceNode;
  /** The slow stage's budget; past it the job fails with BRANCH_TIMEOUT. 0 = none. @default 0 */
  readonly timeoutMs?: number;
}

/**
 * Lambda architecture's serving side: answers each instance from precomputed
 * batch results (a table `mlpatterns batch run` filled) by its key; misses go
 * to `fallback` (live inference) together and are merged back in order.
 */
export interface LookupNode extends NodeCommon {
  readonly type: 'lookup';
  /** The results table: `postgres://…?table=T` or `sqlite:<path>?table=T` (path relative to the state directory). */
  readonly source: string;
  /** Dot path of the instance field holding the key, e.g. "id" or "customer.id". An instance without it is refused (400). */
  readonly key: string;
  /** The table's key column. @default the last segment of `key` ("id"), as `batch run --key id` writes it */
  readonly keyColumn?: string;
  /** The column holding the answer (JSON, JSON text or a number); NULL is a miss. @default "prediction" */
  readonly column?: string;
  /** A column holding the class label, when the table has it. @default "label" (used when present) */
  readonly labelColumn?: string;
  /** Serves the misses (no row, or a NULL answer), and every instance when the table cannot be read. */
  readonly fallback: ServiceNode;
  /** Also write live answers into the table (upsert on the key column), without delaying the response. @default false */
  readonly writeBack?: boolean;
  /** Budget of one table read; slower, the instances go to `fallback`. @default 1000 */
  readonly timeoutMs?: number;
}

/**
 * Shadow traffic: `primary` answers the client; a share of requests is also run on
 * each candidate in the background (same instances, same request id), never
 * awaited by the answer. Outcomes and agreement with the primary are counted.
 */
export interface ShadowNode extends NodeCommon {
  readonly type: 'shadow';
  readonly primary: ServiceNode;
  readonly candidates: Readonly<Record<string, ServiceNode>>;
  /** Share of requests mirrored, 0..1, chosen by a hash of the request id (a replay mirrors the same ones). @default 1 */
  readonly share?: number;
  /** A candidate slower than this is abandoned (counted as "timeout"). @default 5000 */
  readonly timeoutMs?: number;
  /** Candidate runs of this node in flight at most; past it a mirror is skipped (counted as "skipped"). @default 64 */
  readonly maxConcurrent?: number;
}

/** Sticky assignment of a split: the same value always gets the same variant. */
export type SplitSticky = { readonly header: string } | { readonly field: string } | { readonly key: true };

export interface SplitVariant {
  /** Relative weight, finite, ≥ 0 (0 switches the variant off); the weights must sum to more than 0. */
  readonly weight: number;
  readonly node: ServiceNode;
}

/**
 * Online A/B: each request is served by one variant, chosen by weight (sticky by a
 * header, a body field or the first key; else per request id). The answer names it.
 */
export interface SplitNode extends NodeCommon {
  readonly type: 'split';
  readonly variants: Readonly<Record<string, SplitVariant>>;
  readonly sticky?: SplitSticky;
  /** Mixed into the assignment hash: a new salt reshuffles who gets which variant. @default "" */
  readonly salt?: string;
}

export const BANDIT_POLICIES = ['thompson', 'epsilon-greedy'] as const;
export type BanditPolicy = (typeof BANDIT_POLICIES)[number];

/**
 * Multi-armed bandit: each request is served by one arm, chosen from the rewards
 * earlier requests got (feedback by request id). State lives in the metadata store.
 */
export interface BanditNode extends NodeCommon {
  readonly type: 'bandit';
  readonly arms: Readonly<Record<string, ServiceNode>>;
  /** Thompson sampling on Beta posteriors, or epsilon-greedy on mean rewards. @default "thompson" */
  readonly policy?: BanditPolicy;
  /** epsilon-greedy: share of requests served by a uniformly random arm, 0..1. @default 0.1 */
  readonly epsilon?: number;
  /** Beta prior of every arm (pseudo-successes, pseudo-failures), both > 0. @default {alpha: 1, beta: 1} */
  readonly prior?: { readonly alpha: number; readonly beta: number };
  /** State id in the store; two nodes with one name share their state. @default "<service>/<node path>" */
  readonly name?: string;
  /** Seeds the bandit's random choices (replayable tests and incidents). @default unseeded */
  readonly seed?: number;
}

export type ServiceNode =
  | ModelNode
  | PipelineNode
  | ParallelNode
  | ThresholdNode
  | ServiceRefNode
  | CacheNode
  | ConditionNode
  | RemoteNode
  | MapNode
  | MultistageNode
  | LookupNode
  | ShadowNode
  | SplitNode
  | BanditNode;
export type NodeType = ServiceNode['type'];

export interface ServiceEntry {
  /** Served under `/v1/services/{name}`. */
  readonly name: string;
  readonly graph: ServiceNode;
}

const NODE_TYPES: readonly NodeType[] = ['model', 'pipeline', 'parallel', 'threshold', 'service', 'cache', 'condition', 'remote', 'map', 'multistage', 'lookup', 'shadow', 'split', 'bandit'];
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DOT_PATH = /^[^.]+(\.[^.]+)*$/;
const active = z.boolean().optional();
/**
 * A number, or a numeric string: `"${THRESHOLD:-0.9}"` quoted in YAML interpolates to a string.
 */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i, 'must be a number')
    .transform(Number),
]);

export const serviceNodeSchema: z.ZodType<ServiceNode> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.literal('model'), model: z.string().min(1), signature: z.string().min(1).optional(), active }).strict(),
      z.object({ type: z.literal('pipeline'), steps: z.array(serviceNodeSchema).min(1), active }).strict(),
      z
        .object({
          type: z.literal('parallel'),
          branches: z.record(z.string().regex(NAME, 'branch names use letters, digits, ".", "_" and "-"'), serviceNodeSchema),
          aggregate: z.enum(AGGREGATES).optional(),
          timeoutMs: z.number().int().min(0).optional(),
          active,
        })
        .strict()
        .refine((p) => Object.keys(p.branches).length > 0, { message: 'a parallel node needs at least one branch', path: ['branches'] }),
      z
        .object({
          type: z.literal('threshold'),
          input: serviceNodeSchema,
          threshold: numeric,
          column: z.number().int().min(0).optional(),
          active,
        })
        .strict(),
      z.object({ type: z.literal('service'), service: z.string().min(1), active }).strict(),
      z
        .object({
          type: z.literal('cache'),
          input: serviceNodeSchema,
          ttlMs: z.number().int().min(1).optional(),
          maxEntries: z.number().int().min(1).optional(),
          store: z.enum(CACHE_STORES).optional(),
          url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
          key: z.string().regex(DOT_PATH, 'must be a dot path such as "id" or "image.id"').optional(),
          path: z.string().min(1).optional(),
          active,
        })
        .strict()
        .refine((c) => c.url === undefined || c.store === 'redis', { message: '"url" needs store: redis', path: ['url'] })
        .refine((c) => c.path === undefined || c.store === 'sqlite', { message: '"path" needs store: sqlite', path: ['path'] }),
      conditionSchema(serviceNodeSchema),
      remoteSchema(),
      mapSchema(),
      z
        .object({ type: z.literal('multistage'), fast: serviceNodeSchema, slow: serviceNodeSchema, timeoutMs: z.number().int().min(0).optional(), active })
        .strict(),
      lookupSchema(serviceNodeSchema),
      shadowSchema(serviceNodeSchema),
      splitSchema(serviceNodeSchema),
      banditSchema(serviceNodeSchema),
    ],
    { error: unknownNodeType },
  ),
);

/** Lives beside the union because a condition's routes are nodes themselves. */
function conditionSchema(node: z.ZodType<ServiceNode>) {
  const value = z.union([z.string(), z.number(), z.boolean()]);
  const timeoutMs = z.number().int().min(0).optional();
  const hour = z.number().min(0).max(24);
  const when = z
    .object({
      header: z
        .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name'), value)
        .refine((m) => Object.keys(m).length > 0, 'list at least one header, or leave "header" out')
        .optional(),
      field: z
        .record(z.string().regex(DOT_PATH, 'must be a dot path such as "user.tier"'), value)
        .refine((m) => Object.keys(m).length > 0, 'list at least one field, or leave "field" out')
        .optional(),
      label: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      instance: z
        .record(z.string().regex(DOT_PATH, 'must be a dot path such as "0" or "setosa.flag"'), value)
        .refine((m) => Object.keys(m).length > 0, 'list at least one path, or leave "instance" out')
        .optional(),
      // An empty range would never match and a full one always would: both are mistakes to refuse.
      hour: z
        .tuple([hour, hour])
        .refine(([from, to]) => from !== to, 'from and to must differ ([0, 24] is the whole day)')
        .optional(),
    })
    .strict()
    // A rule with nothing to test always matches, hiding every rule after it and the default.
    .refine(
      (w) => w.header !== undefined || w.field !== undefined || w.hour !== undefined || w.label !== undefined || w.instance !== undefined,
      'a rule needs at least one of header, field, hour, label or instance',
    );
  const rule = z.object({ when, then: node, timeoutMs }).strict();
  return z
    .object({
      type: z.literal('condition'),
      rules: z.array(rule),
      default: node,
      defaultTimeoutMs: timeoutMs,
      active,
    })
    .strict();
}

function mapSchema() {
  const part = {
    from: z.enum(MAP_SOURCES).optional(),
    field: z.string().regex(DOT_PATH, 'must be a dot path such as "setosa.score"').optional(),
    columns: z.array(z.number().int().min(0)).min(1).optional(),
  };
  return z
    .object({
      type: z.literal('map'),
      ...part,
      concat: z.array(z.union([z.enum(MAP_SOURCES), z.object(part).strict()])).min(1).optional(),
      active,
    })
    .strict()
    .refine((m) => m.concat === undefined || (m.from === undefined && m.field === undefined && m.columns === undefined), {
      message: 'give either "concat" or from/field/columns, not both',
      path: ['concat'],
    });
}

function shadowSchema(node: z.ZodType<ServiceNode>) {
  return z
    .object({
      type: z.literal('shadow'),
      primary: node,
      candidates: z.record(z.string().regex(NAME, 'candidate names use letters, digits, ".", "_" and "-"'), node),
      share: numeric.pipe(z.number().min(0, 'share is a fraction from 0 to 1').max(1, 'share is a fraction from 0 to 1')).optional(),
      timeoutMs: z.number().int().min(1).optional(),
      maxConcurrent: z.number().int().min(1).optional(),
      active,
    })
    .strict()
    .refine((s) => Object.keys(s.candidates).length > 0, { message: 'a shadow node needs at least one candidate', path: ['candidates'] });
}

function splitSchema(node: z.ZodType<ServiceNode>) {
  const weight = numeric.pipe(z.number().finite('a weight must be a finite number').min(0, 'a weight must be 0 or more'));
  const sticky = z.union([
    z.object({ header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name') }).strict(),
    z.object({ field: z.string().regex(DOT_PATH, 'must be a dot path such as "user.id"') }).strict(),
    z.object({ key: z.literal(true) }).strict(),
  ], { error: 'sticky is one of {header: <name>}, {field: <dot.path>} or {key: true}' });
  return z
    .object({
      type: z.literal('split'),
      variants: z.record(z.string().regex(NAME, 'variant names use letters, digits, ".", "_" and "-"'), z.object({ weight, node }).strict()),
      sticky: sticky.optional(),
      salt: z.string().optional(),
      active,
    })
    .strict()
    .refine((s) => Object.keys(s.variants).length > 0, { message: 'a split node needs at least one variant', path: ['variants'] })
    .refine((s) => Object.keys(s.variants).length === 0 || Object.values(s.variants).reduce((sum, v) => sum + v.weight, 0) > 0, {
      message: 'the variant weights must sum to more than 0 (every weight is 0: no variant could serve)',
      path: ['variants'],
    });
}

function banditSchema(node: z.ZodType<ServiceNode>) {
  const positive = numeric.pipe(z.number().finite().gt(0, 'alpha and beta must be more than 0'));
  return z
    .object({
      type: z.literal('bandit'),
      arms: z.record(z.string().regex(NAME, 'arm names use letters, digits, ".", "_" and "-"'), node),
      policy: z.enum(BANDIT_POLICIES).optional(),
      epsilon: numeric.pipe(z.number().min(0, 'epsilon is a fraction from 0 to 1').max(1, 'epsilon is a fraction from 0 to 1')).optional(),
      prior: z.object({ alpha: positive, beta: positive }).strict().optional(),
      name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._:/-]{0,199}$/, 'use letters, digits, ".", "_", ":", "/" and "-"').optional(),
      seed: z.number().int().optional(),
      active,
    })
    .strict()
    .refine((b) => Object.keys(b.arms).length > 0, { message: 'a bandit node needs at least one arm', path: ['arms'] })
    .refine((b) => b.epsilon === undefined || b.policy === 'epsilon-greedy', { message: '"epsilon" needs policy: epsilon-greedy', path: ['epsilon'] });
}

function lookupSchema(node: z.ZodType<ServiceNode>) {
  const column = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a column name: letters, digits and _');
  return z
    .object({
      type: z.literal('lookup'),
      source: z
        .string()
        .regex(/^(postgres(ql)?:\/\/.+|sqlite:.+)[?&]table=[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?(&|$)/, 'must be postgres://…?table=T or sqlite:<path>?table=T'),
      key: z.string().regex(DOT_PATH, 'must be a dot path such as "id" or "customer.id"'),
      keyColumn: column.optional(),
      column: column.optional(),
      labelColumn: column.optional(),
      fallback: node,
      writeBack: z.boolean().optional(),
      timeoutMs: z.number().int().min(1).optional(),
      active,
    })
    .strict();
}

const V2_ONLY = ['version', 'input', 'datatype', 'output', 'labelOutput'] as const;

/** Checked here, at start-up, so a typo in a URL is a config error rather than a 503 on every request. */
function remoteSchema() {
  const name = z.string().regex(NAME, 'use letters, digits, ".", "_" and "-"');
  return z
    .object({
      type: z.literal('remote'),
      url: z.string().refine(isHttpUrl, 'must be an http:// or https:// URL without query or fragment'),
      model: name.optional(),
      service: name.optional(),
      protocol: z.enum(REMOTE_PROTOCOLS).optional(),
      // `version: 1` in YAML is a number; the URL wants its text.
      version: z.union([name, z.number().int().min(0).transform(String)]).optional(),
      input: z.string().min(1).optional(),
      datatype: z.enum(REMOTE_DATATYPES).optional(),
      output: z.string().min(1).optional(),
      labelOutput: z.string().min(1).optional(),
      timeoutMs: z.number().int().min(1).optional(),
      retries: z.number().int().min(0).max(10).optional(),
      backoffMs: z.number().int().min(0).optional(),
      breaker: z
        .object({ failures: z.number().int().min(1).optional(), resetMs: z.number().int().min(1).optional() })
        .strict()
        .optional(),
      active,
    })
    .strict()
    .refine((r) => (r.model === undefined) !== (r.service === undefined), { message: 'give exactly one of "model" and "service"', path: ['model'] })
    .refine((r) => r.protocol !== 'v2' || r.service === undefined, {
      message: 'protocol v2 (Open Inference Protocol) calls models only: give "model", not "service"',
      path: ['service'],
    })
    .refine((r) => r.protocol === 'v2' || V2_ONLY.every((key) => r[key] === undefined), {
      message: `${V2_ONLY.map((k) => `"${k}"`).join(', ')} need protocol: v2`,
      path: ['protocol'],
    });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** Names the offending type, which zod's own message ("Invalid discriminator value") does not. */
function unknownNodeType(issue: { readonly code?: string; readonly input?: unknown }): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const type = typeof issue.input === 'object' && issue.input !== null ? (issue.input as { type?: unknown }).type : undefined;
  return `unknown node type ${JSON.stringify(type) ?? '(missing)'}; use one of: ${NODE_TYPES.join(', ')}`;
}

export const serviceEntrySchema = z
  .object({
    name: z.string().regex(NAME, 'use letters, digits, ".", "_" and "-"'),
    graph: serviceNodeSchema,
  })
  .strict();
