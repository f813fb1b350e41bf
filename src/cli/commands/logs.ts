import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load-config.js';
import type { PredictionRecord } from '../../ports/event-log.js';
import { parseLogQuery } from '../../predlog/parse-query.js';
import { configFile, withPredictionLog } from '../config-file.js';

interface QueryFlags {
  service?: string;
  model?: string;
  modelVersion?: string;
  requestId?: string;
  key?: string;
  kind?: string;
  since?: string;
  until?: string;
  limit: string;
  after?: string;
  json?: boolean;
}

export function logsCommand(program: Command): void {
  const logs = program.command('logs').description('the prediction log (logging.predictions in mlpatterns.yaml)');
  logs
    .command('query')
    .description('records of the prediction log, oldest first, read from the configured store')
    .argument('[config]', 'mlpatterns.yaml (default: ./mlpatterns.yaml)')
    .option('--service <name>', 'records of this service')
    .option('--model <name>', 'records of this model')
    .option('--model-version <version>', 'records of this model version')
    .option('--request-id <id>', 'records of this request')
    .option('--key <key>', 'records whose keys hold this key')
    .option('--kind <kind>', 'prediction or feedback')
    .option('--since <time>', 'ISO-8601 time or a duration back from now (15m, 2h, 7d)')
    .option('--until <time>', 'ISO-8601 time or a duration back from now')
    .option('-l, --limit <n>', 'records to show (1-1000)', '20')
    .option('--after <cursor>', 'continue after this cursor (printed when more records match)')
    .option('--json', 'one JSON record per line')
    .action(async (configPath: string | undefined, flags: QueryFlags) => {
      const config = await loadConfigFile(configFile(configPath));
      const query = parseLogQuery({ ...flags, version: flags.modelVersion, request_id: flags.requestId });
      await withPredictionLog(config, undefined, async (sink) => {
        const page = await sink.query(query);
        for (const record of page.records) process.stdout.write(`${flags.json ? JSON.stringify(record) : describe(record)}\n`);
        if (page.next !== undefined) process.stderr.write(`more records match: --after ${page.next}\n`);
      });
    });
}

/** One line per record: when, which request, what ran where, how it went, what it answered. */
function describe(r: PredictionRecord): string {
  const where = r.service !== undefined ? ` ${r.service}/${r.node ?? ''}` : '';
  const outputs = r.outputs !== undefined ? ` outputs=${clip(JSON.stringify(r.outputs))}` : '';
  return `${r.timestamp} ${r.request_id}${where} ${r.model}@${r.version} ${r.status} ${r.latency_ms.toFixed(2)}ms${outputs}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
