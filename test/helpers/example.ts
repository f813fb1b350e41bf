import path from 'node:path';
import { startServer, type RunningServer } from '../../src/app/serve.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { REPO_ROOT } from './fixtures.js';

/** Serves an example's config file as `mlpatterns serve examples/<dir>/mlpatterns.yaml` would, on an ephemeral port. */
export async function serveExample(relativeFile: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const config = await loadConfigFile(path.join(REPO_ROOT, relativeFile), env);
  return startServer({ ...config, server: { ...config.server, host: '127.0.0.1', port: 0, logLevel: 'silent' } }, { logger: false });
}

/** The value of one Prometheus sample (0 when absent), e.g. `metricValue(text, 'mlpatterns_inferences_total', { model: 'iris' })`. */
export function metricValue(metrics: string, name: string, labels: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
