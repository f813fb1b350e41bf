import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { openRegistry } from '../app/open-registry.js';
import { loadConfigFile, resolveConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import type { InputReader } from './input-record.js';
import { checkColumnName, describeLocation, parseInput, parseOutput, type InputLocation, type OutputLocation } from './locations.js';
import type { OutputWriter } from './output-writer.js';
import { csvReader } from './read-csv.js';
import { jsonlReader } from './read-jsonl.js';
import { parquetReader } from './read-parquet.js';
import { tableReader } from './read-table.js';
import type { ShardPayload } from './shard-job.js';
import type { BatchOptions } from './types.js';
import { fileWriter } from './write-file.js';
import { nullColumnWriter, tableWriter } from './write-table.js';

export const DEFAULT_SHARD_SIZE = 1000;
export const DEFAULT_WORKERS = 2;
/**
 * Batch shards get their own queue by default: the in-process workers of a
 * run take every job of their queue, and must not take (and fail) the job
 * API's jobs on the shared "default" queue.
 */
export const DEFAULT_BATCH_QUEUE = 'batch';

/** Everything a run needs, resolved from its options (nothing opened yet). */
export interface BatchPlan {
  readonly runId: string;
  /** What identifies the run's work: a resumed invocation must have the same. */
  readonly spec: string;
  readonly config: Config;
  readonly input: InputLocation;
  readonly output: OutputLocation;
  readonly outputName: string;
  readonly key: string;
  readonly features: readonly string[] | undefined;
  readonly whereNull: string | undefined;
  readonly shardSize: number;
  readonly workers: number;
  readonly queueName: string;
  readonly errorFile: string;
  readonly stateDir: string;
  readonly target: ShardPayload['target'];
  reader(): InputReader;
  writer(): OutputWriter;
}

export async function planBatch(options: BatchOptions): Promise<BatchPlan> {
  const loaded = await loadConfig(options);
  const stateDir = path.resolve(options.stateDir ?? loaded.storage.stateDir);
  // The embedded queue lives in the state dir too (unless the config names its file).
  const config: Config = { ...loaded, storage: { ...loaded.storage, stateDir } };
  const key = checkColumnName(options.key, '--key');
  const whereNull = options.whereNull === undefined ? undefined : checkColumnName(options.whereNull, '--where-null');
  const features = options.features?.map((f) => checkColumnName(f, '--features'));
  const input = parseInput(options.input);
  const output = resolveOutput(options, input, whereNull);
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`--shard-size must be a positive integer, got ${shardSize}`);
  const workers = options.workers ?? DEFAULT_WORKERS;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`--workers must be a non-negative integer, got ${workers}`);
  const target = await resolveTarget(options, config);
  const outputName = describeLocation(output);
  const spec = JSON.stringify({
    input: describeLocation(input),
    // A file rewritten since is other work: a new run (and a resumed run never mixes two versions of its input).
    ...(input.kind === 'csv' || input.kind === 'jsonl' || input.kind === 'parquet' ? { version: fileVersion(input.path) } : {}),
    output: outputName,
    target: 'service' in options.target ? options.target : target,
    key,
    whereNull,
    features,
    shardSize,
  });
  const runId = options.runId ?? `b${createHash('sha256').update(spec).digest('hex').slice(0, 15)}`;
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(runId)) throw new Error(`--run-id must be letters, digits, _ . : - (at most 100), got "${runId}"`);
  const errorFile = path.resolve(options.errors ?? `${output.kind === 'csv' || output.kind === 'jsonl' ? output.path : path.join(stateDir, 'batch', runId)}.errors.jsonl`);
  return {
    runId,
    spec,
    config,
    input,
    output,
    outputName,
    key,
    features,
    whereNull,
    shardSize,
    workers,
    queueName: options.queueName ?? DEFAULT_BATCH_QUEUE,
    errorFile,
    stateDir,
    target,
    reader: () => readerFor(input, key, whereNull),
    writer: () => writerFor(output, key, runId, stateDir, whereNull),
  };
}

async function loadConfig(options: BatchOptions): Promise<Config> {
  const file = options.config ?? ('service' in options.target && existsSync('mlpatterns.yaml') ? 'mlpatterns.yaml' : undefined);
  const config = file ? await loadConfigFile(file) : resolveConfig({});
  const queue = options.queue ?? config.queue.store;
  if (queue === 'sqlite') return { ...config, queue: { ...config.queue, store: 'sqlite' } };
  if (queue === 'redis' || /^rediss?:\/\//.test(queue)) return { ...config, queue: { ...config.queue, store: 'redis', ...(queue === 'redis' ? {} : { url: queue }) } };
  throw new Error(`--queue must be "sqlite" or a redis:// URL, got "${queue}"`);
}

function resolveOutput(options: BatchOptions, input: InputLocation, whereNull: string | undefined): OutputLocation {
  if (whereNull !== undefined) {
    if (input.kind !== 'postgres' && input.kind !== 'sqlite') throw new Error('--where-null needs a SQL table --input (postgres://…?table=T or sqlite:<path>?table=T)');
    if (options.output !== undefined && describeLocation(parseOutput(options.output)) !== describeLocation(input)) {
      throw new Error('--where-null writes predictions back into the input table: leave --output out (or give the input)');
    }
    return input;
  }
  if (options.output === undefined) throw new Error('--output is required (a .jsonl/.csv file or a SQL table), unless --where-null is given');
  return parseOutput(options.output);
}

/** A registry ref is resolved here to its local package, so workers receive a path. */
async function resolveTarget(options: BatchOptions, config: Config): Promise<ShardPayload['target']> {
  const target = options.target;
  if ('service' in target) {
    if (!config.services.some((s) => s.name === target.service)) {
      throw new Error(`service "${target.service}" is not in the config${options.config ? ` ${options.config}` : ' (give --config mlpatterns.yaml)'}`);
    }
    return { service: target.service };
  }
  if (existsSync(target.model)) return { model: path.resolve(target.model) };
  const opened = await openRegistry(config.storage);
  try {
    return { model: (await opened.registry.resolve(target.model)).localPath };
  } finally {
    await opened.close();
  }
}

function readerFor(input: InputLocation, key: string, whereNull: string | undefined): InputReader {
  switch (input.kind) {
    case 'csv':
      return csvReader(input.path);
    case 'jsonl':
      return jsonlReader(input.path);
    case 'parquet':
      return parquetReader(input.path);
    default:
      return tableReader(input, key, whereNull);
  }
}

function writerFor(output: OutputLocation, key: string, runId: string, stateDir: string, whereNull: string | undefined): OutputWriter {
  if (output.kind === 'postgres' || output.kind === 'sqlite') {
    return whereNull !== undefined ? nullColumnWriter(output, key, whereNull) : tableWriter(output, key, runId);
  }
  return fileWriter(output.kind, output.path, path.join(stateDir, 'batch', runId, 'parts'), key);
}

function fileVersion(file: string): string {
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    throw new Error(`--input: cannot read ${file}: ${(err as Error).message}`);
  }
  return `${stat.size}@${Math.round(stat.mtimeMs)}`;
}
