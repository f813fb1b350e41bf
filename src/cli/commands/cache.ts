import type { Command } from 'commander';
import { loadModels } from '../../app/load-models.js';
import { openRegistry, type OpenedRegistry } from '../../app/open-registry.js';
import { loadConfigFile } from '../../config/load-config.js';
import type { Config } from '../../config/schema.js';
import type { AliasWatcher } from '../../serving/alias-watcher.js';
import { ModelRepository } from '../../serving/model-repository.js';
import { sqliteCachePath, type CacheBinding } from '../../services/cache-bindings.js';
import { leaseRunner } from '../../services/model-runner.js';
import type { CacheNode } from '../../services/schema.js';
import { ServiceRepository } from '../../services/service-repository.js';
import { parseIntFlag } from '../parse.js';
import { readDataset } from '../read-dataset.js';

interface WarmFlags {
  service: string;
  node?: string;
  dataset: string;
  batch: string;
}

/** Progress lines at most this often (and once at the end). */
const PROGRESS_EVERY_MS = 500;

export function cacheCommand(program: Command): void {
  const cache = program.command('cache').description('prediction and data caches of services');
  cache
    .command('warm')
    .description('pre-compute the entries of a cache node from a dataset, under the keys the server computes')
    .argument('<config>', 'mlpatterns.yaml that declares the service')
    .requiredOption('-s, --service <name>', 'the service that declares the cache node')
    .option('--node <path>', 'the cache node\'s path, e.g. graph/steps/0 (optional when the service has one cache node)')
    .requiredOption('-d, --dataset <file>', 'instances: .jsonl (one per line), .json (a list) or .csv (header row; cells as strings)')
    .option('-b, --batch <n>', 'instances per run of the node\'s input', '64')
    .action(async (configPath: string, flags: WarmFlags) => {
      const batch = parseIntFlag('--batch', flags.batch);
      if (batch < 1) throw new Error('--batch must be at least 1');
      const config = await loadConfigFile(configPath);
      await warm(config, flags, batch);
    });
}

async function warm(config: Config, flags: WarmFlags, batch: number): Promise<void> {
  const services = new ServiceRepository(config.services, { stateDir: config.storage.stateDir });
  const models = new ModelRepository();
  const watchers: AliasWatcher[] = [];
  let opened: OpenedRegistry | undefined;
  try {
    const { node, binding } = pickNode(services, flags);
    checkStore(node, binding, config);
    const instances = await readDataset(flags.dataset);
    const entries = config.models.filter((m) => binding.models.includes(m.name));
    if (entries.some((m) => m.ref !== undefined)) opened = await openRegistry(config.storage);
    await loadModels(entries, { repository: models, watchers, registry: opened?.registry });
    // The versions loaded now are the ones the keys carry: no alias following during a warm.
    await Promise.all(watchers.map((w) => w.close()));
    const runModel = leaseRunner(models);

    const total = { warmed: 0, present: 0, failed: 0 };
    const reasons: string[] = [];
    const started = performance.now();
    let printedAt = 0;
    for (let at = 0; at < instances.length; at += batch) {
      const result = await services.warmCache(node, instances.slice(at, at + batch), { requestId: `cache-warm-${at}`, runModel, firstIndex: at });
      total.warmed += result.warmed;
      total.present += result.present;
      total.failed += result.failed;
      for (const r of result.errors) if (reasons.length < 5) reasons.push(r);
      const done = Math.min(at + batch, instances.length);
      const now = performance.now();
      if (now - printedAt >= PROGRESS_EVERY_MS || done === instances.length) {
        printedAt = now;
        const rate = done / Math.max((now - started) / 1000, 1e-3);
        process.stderr.write(`cache warm: ${done}/${instances.length} rows (${rate.toFixed(0)} rows/s)\n`);
      }
    }
    for (const reason of reasons) process.stderr.write(`cache warm: failed: ${reason}\n`);
    process.stdout.write(`warmed ${total.warmed} entries, ${total.present} already present, ${total.failed} failed\n`);
    if (total.failed > 0) process.exitCode = 1;
  } finally {
    await Promise.all(watchers.map((w) => w.close()));
    await models.close();
    await services.close();
    await opened?.close();
  }
}

function pickNode(services: ServiceRepository, flags: WarmFlags): { node: CacheNode; binding: CacheBinding } {
  const nodes = services.cacheNodes(flags.service);
  const paths = nodes.map((n) => n.binding.node).join(', ');
  if (flags.node !== undefined) {
    const wanted = flags.node.replace(/^\/+|\/+$/g, '');
    const found = nodes.find((n) => n.binding.node === wanted);
    if (!found) {
      throw new Error(`${wanted} is not a cache node of service "${flags.service}" (${nodes.length > 0 ? `its cache nodes: ${paths}` : 'it has none'})`);
    }
    return found;
  }
  const [only, ...others] = nodes;
  if (!only) throw new Error(`service "${flags.service}" has no cache node to warm`);
  if (others.length > 0) throw new Error(`service "${flags.service}" has several cache nodes: pick one with --node (${paths})`);
  return only;
}

/** A memory cache belongs to the server process: warming one here would fill a cache nobody reads. */
function checkStore(node: CacheNode, binding: CacheBinding, config: Config): void {
  const store = node.store ?? 'memory';
  if (store === 'memory') {
    throw new Error(
      `the cache node ${binding.node} of service "${binding.service}" uses store: memory, which lives inside the server process and cannot be warmed from outside; use store: sqlite or store: redis`,
    );
  }
  if (store === 'sqlite') process.stderr.write(`cache warm: writing ${sqliteCachePath(node, config.storage.stateDir)}\n`);
}
