import { MlError } from '../errors/ml-error.js';
import type { EventLog } from '../ports/event-log.js';
import type { ServiceEntry } from '../services/schema.js';
import { findExperiments } from './find-experiments.js';
import { readAll } from '../predlog/read-all.js';
import { shadowReport, type ShadowReport } from './shadow-report.js';
import { splitReport, type SplitReport, type SplitReportOptions } from './split-report.js';

export interface ExperimentsReport {
  readonly service: string;
  readonly since: string;
  readonly until: string;
  /** One entry per shadow and split node of the service's graph, depth first. */
  readonly experiments: readonly (ShadowReport | SplitReport)[];
}

export interface ExperimentsReportOptions extends SplitReportOptions {
  readonly since: Date;
  /** @default now */
  readonly until?: Date;
}

/**
 * The `experiments report` of one service, computed from the prediction log:
 * its predictions in the period, and feedback that arrived for them up to `until`.
 */
export async function runExperimentsReport(sink: EventLog, service: ServiceEntry, options: ExperimentsReportOptions): Promise<ExperimentsReport> {
  const experiments = findExperiments(service.graph);
  if (experiments.length === 0) throw new MlError('INVALID_REQUEST', { reason: `service "${service.name}" has no shadow or split node: there is no experiment to report` });
  const until = options.until ?? new Date();
  const records = await readAll(sink, { kind: 'prediction', service: service.name, since: options.since, until });
  const feedback = await readAll(sink, { kind: 'feedback', service: service.name, since: options.since, until });
  return {
    service: service.name,
    since: options.since.toISOString(),
    until: until.toISOString(),
    experiments: experiments.map((e) => (e.kind === 'shadow' ? shadowReport(e.node, e.prefix, records) : splitReport(e.node, e.prefix, records, feedback, options))),
  };
}
