import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mlp } from '../src/onnx/writer/index.js';
import { IRIS_PACKAGE } from './paths.js';
import { mulberry32, uniformArray } from './prng.js';

/** Redis of the `store: redis` cache scenario: the default the cache node uses. */
export const GRAPH_REDIS_HOST = '127.0.0.1';
export const GRAPH_REDIS_PORT = 6379;

/** The graph server's models and services, by the names the steps call. */
export const GRAPH = {
  /** The tiny model behind the caches and the first pipeline step: iris, 4 features → 3 probabilities. */
  iris: 'iris',
  /** Second pipeline step: a generated 3 → 2 regression MLP, so iris's rows are its instances. */
  chainB: 'chain-b',
  /** The three fan-out branches: iris served three times, each with its own session and batcher. */
  branches: ['fan-a', 'fan-b', 'fan-c'],
  services: {
    cacheMemory: 'cache-memory',
    cacheRedis: 'cache-redis',
    fanOut: 'fan-out',
    /** One single-model service per branch: "each branch alone", through the same route as the fan-out. */
    branch: (model: string): string => `alone-${model}`,
    stepA: 'step-a',
    stepB: 'step-b',
    pipeline: 'pipeline-ab',
    /** `{type: map}` alone: the service route's fixed cost with a node that does no work. */
    noop: 'noop',
  },
} as const;

/**
 * The graph steps' ids (all start with "graph", so `--only graph` runs them
 * all). The fan-out and pipeline steps are groups, measured interleaved; their
 * members' ids (`group/member`) name the table rows the targets read.
 */
export const GRAPH_STEP_IDS = {
  cacheMemory: 'graph-cache-memory',
  cacheRedis: 'graph-cache-redis',
  fanOutGroup: 'graph-fan-out',
  branches: GRAPH.branches.map((b) => `graph-fan-out/${b}`),
  fanOut: 'graph-fan-out/parallel',
  pipelineGroup: 'graph-pipeline',
  stepA: 'graph-pipeline/step-a',
  stepB: 'graph-pipeline/step-b',
  pipeline: 'graph-pipeline/a-then-b',
  noop: 'graph-pipeline/noop',
} as const;

/** Fixed, so the second step's model is the same bytes on every run. */
const CHAIN_B_SEED = 4042026;

function writeChainB(dir: string): string {
  const random = mulberry32(CHAIN_B_SEED);
  const layers = [
    { weights: Array.from({ length: 3 }, () => uniformArray(random, 8, 1)), bias: uniformArray(random, 8, 0.1), activation: 'relu' as const },
    { weights: Array.from({ length: 8 }, () => uniformArray(random, 2, 0.5)), bias: uniformArray(random, 2, 0.1) },
  ];
  const file = join(dir, 'chain-b.onnx');
  writeFileSync(file, mlp({ name: 'bench_chain_b', layers, outputs: 'regression' }).toBytes());
  return file;
}

const modelNode = (name: string): string => `{ type: model, model: ${name} }`;

/**
 * Writes the graph server's mlpatterns.yaml (and the second pipeline model)
 * into dir. Every service lives on one server, so that what a target compares
 * is measured against the same process, models and warm sessions.
 */
export function writeGraphConfig(dir: string): string {
  const chainB = writeChainB(dir);
  const s = GRAPH.services;
  const lines = [
    '# Written by bench/service-graph-config.ts for the service-graph scenarios.',
    'models:',
    `  - { name: ${GRAPH.iris}, path: ${JSON.stringify(IRIS_PACKAGE)} }`,
    `  - { name: ${GRAPH.chainB}, path: ${JSON.stringify(chainB)} }`,
    ...GRAPH.branches.map((b) => `  - { name: ${b}, path: ${JSON.stringify(IRIS_PACKAGE)} }`),
    'services:',
    `  - name: ${s.cacheMemory}`,
    `    graph: { type: cache, store: memory, ttlMs: 600000, input: ${modelNode(GRAPH.iris)} }`,
    `  - name: ${s.cacheRedis}`,
    `    graph: { type: cache, store: redis, url: "redis://${GRAPH_REDIS_HOST}:${GRAPH_REDIS_PORT}", ttlMs: 600000, input: ${modelNode(GRAPH.iris)} }`,
    `  - name: ${s.fanOut}`,
    '    graph:',
    '      type: parallel',
    '      aggregate: all',
    '      branches:',
    ...GRAPH.branches.map((b) => `        ${b}: ${modelNode(b)}`),
    ...GRAPH.branches.flatMap((b) => [`  - name: ${s.branch(b)}`, `    graph: ${modelNode(b)}`]),
    `  - name: ${s.stepA}`,
    `    graph: ${modelNode(GRAPH.iris)}`,
    `  - name: ${s.stepB}`,
    `    graph: ${modelNode(GRAPH.chainB)}`,
    `  - name: ${s.pipeline}`,
    `    graph: { type: pipeline, steps: [${modelNode(GRAPH.iris)}, ${modelNode(GRAPH.chainB)}] }`,
    `  - name: ${s.noop}`,
    '    graph: { type: map }',
    '',
  ];
  const file = join(dir, 'service-graph.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}
