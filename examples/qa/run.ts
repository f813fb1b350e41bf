/**
 * Runs the QA example end to end, in this process: serves mlpatterns.yaml (a temporary state
 * dir), sends the 150 iris rows to the shadow service and the A/B service with a different
 * x-user per row, sends the true species as feedback, and prints `experiments report` for both
 * services and `eval report` — the same reports the CLI prints from the same log.
 *
 *   npx tsx examples/qa/run.ts      (or: npm run example:qa)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatEvaluations } from '../../src/evaluation/format-report.js';
import { formatExperimentsReport } from '../../src/experiments/format-report.js';
import { runQaFlow } from './flow.js';

const stateDir = mkdtempSync(join(tmpdir(), 'mlp-qa-example-'));
try {
  const run = await runQaFlow(stateDir);
  console.log(`sent ${run.shadowAnswers.length} requests to iris-shadow and ${run.abAnswers.length} to iris-ab, with the true species as feedback\n`);
  console.log('$ mlpatterns experiments report iris-shadow examples/qa/mlpatterns.yaml');
  console.log(formatExperimentsReport(run.shadow));
  console.log('$ mlpatterns experiments report iris-ab examples/qa/mlpatterns.yaml');
  console.log(formatExperimentsReport(run.ab));
  console.log('$ mlpatterns eval report examples/qa/mlpatterns.yaml');
  console.log(formatEvaluations(run.evaluations));
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
