import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { metadataUrlOf, openEvaluationStore } from '../../adapters/open-evaluation-store.js';
import { openRegistry } from '../../app/open-registry.js';
import type { Config } from '../../config/schema.js';
import { parseDuration } from '../../evaluation/duration.js';
import { evaluationMetrics } from '../../evaluation/metrics-of.js';
import { promote, rollback, type EvaluatedMetrics } from '../../monitoring/promotion.js';
import type { EvaluationStore } from '../../ports/evaluation-store.js';
import { collect, parseIntFlag } from '../parse.js';
import { storageFromFlags, withStorageOptions, type StorageFlags } from '../storage-options.js';

interface PromoteFlags extends StorageFlags {
  from: string;
  to: string;
  gate: string[];
  actor?: string;
  json?: boolean;
  evalWindow: string;
  evalModel?: string;
  evalMinJoined: string;
}

interface RollbackFlags extends StorageFlags {
  alias: string;
  actor?: string;
  json?: boolean;
}

function defaultActor(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** The evaluation store, opened only when a gate needs a metric the registry lacks. */
function lazyEvaluationStore(storage: Config['storage']): { open(): Promise<EvaluationStore>; close(): Promise<void> } {
  let store: Promise<EvaluationStore> | undefined;
  return {
    open: () => (store ??= openEvaluationStore(metadataUrlOf(storage))),
    close: async () => {
      const opened = await store?.catch(() => undefined);
      await opened?.close();
    },
  };
}

export function promoteCommands(program: Command): void {
  withStorageOptions(
    program
      .command('promote')
      .description('move an alias (production) to the version another alias (candidate) names, if its metrics pass the gates')
      .argument('<model>')
      .option('--from <alias>', 'alias naming the version to promote', 'candidate')
      .option('--to <alias>', 'alias to move', 'production')
      .option('--gate <expr>', 'a metric condition the version must meet, e.g. "accuracy>=0.9" (repeatable)', collect, [])
      .option('--actor <name>', 'who promotes (recorded in the alias history)')
      .option('--eval-window <duration>', 'a gate metric the registry lacks is read from the latest stored evaluation window of this width (eval run --window)', '1d')
      .option('--eval-model <name>', 'the logged model name of those windows (default: the model)')
      .option('--eval-min-joined <n>', 'stored windows with fewer joined rows are passed over', '30')
      .option('--json', 'print the result as JSON'),
  ).action(async (model: string, flags: PromoteFlags) => {
    const windowMs = parseDuration('--eval-window', flags.evalWindow);
    const minJoined = Math.max(1, parseIntFlag('--eval-min-joined', flags.evalMinJoined));
    const storage = storageFromFlags(flags);
    const opened = await openRegistry(storage);
    const evaluations = lazyEvaluationStore(storage);
    try {
      const actor = flags.actor ?? defaultActor();
      const evaluated = async (version: number): Promise<EvaluatedMetrics | undefined> => {
        const e = await (await evaluations.open()).latest({ model: flags.evalModel ?? model, version: String(version), windowMs, minJoined });
        return e === undefined ? undefined : { metrics: evaluationMetrics(e), source: `evaluation ${e.model}:${e.version} window ${e.window_start} (${flags.evalWindow}, ${e.joined} joined)` };
      };
      const result = await promote(opened.registry, { model, from: flags.from, to: flags.to, gates: flags.gate, evaluationMetrics: evaluated, ...(actor !== undefined ? { actor } : {}) });
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!result.promoted) {
        process.stderr.write(`mlpatterns: not promoted, ${model}@${flags.to} unchanged: ${result.reason}\n`);
        process.exitCode = 1;
        return;
      }
      if (!flags.json) process.stdout.write(`${model}@${flags.to} -> ${model}:${result.version}${result.previous !== undefined ? ` (was ${model}:${result.previous})` : ''}; ${result.reason}\n`);
    } finally {
      await evaluations.close();
      await opened.close();
    }
  });

  withStorageOptions(
    program
      .command('rollback')
      .description('move an alias back to the version it named before its latest promotion (from the alias history)')
      .argument('<model>')
      .option('--alias <alias>', 'alias to roll back', 'production')
      .option('--actor <name>', 'who rolls back (recorded in the alias history)')
      .option('--json', 'print the result as JSON'),
  ).action(async (model: string, flags: RollbackFlags) => {
    const opened = await openRegistry(storageFromFlags(flags));
    try {
      const actor = flags.actor ?? defaultActor();
      const result = await rollback(opened.registry, { model, alias: flags.alias, ...(actor !== undefined ? { actor } : {}) });
      process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${model}@${flags.alias} -> ${model}:${result.to} (rolled back from ${model}:${result.from})\n`);
    } finally {
      await opened.close();
    }
  });

  withStorageOptions(
    program
      .command('alias-history')
      .description('the moves of a model\'s aliases, oldest first: promotions (with their gate results) and rollbacks')
      .argument('<model>')
      .option('--alias <alias>', 'only this alias')
      .option('--json', 'one JSON change per line'),
  ).action(async (model: string, flags: StorageFlags & { alias?: string; json?: boolean }) => {
    const opened = await openRegistry(storageFromFlags(flags));
    try {
      for (const c of await opened.registry.aliasHistory(model, flags.alias)) {
        const line = flags.json ? JSON.stringify(c) : `${c.changedAt} ${c.name}@${c.alias} ${c.fromVersion ?? '-'} -> ${c.toVersion ?? '-'}${c.actor ? ` by ${c.actor}` : ''}${c.reason ? `: ${c.reason}` : ''}`;
        process.stdout.write(`${line}\n`);
      }
    } finally {
      await opened.close();
    }
  });
}
