import { IRIS_NAME, WIDE_NAME } from './payloads.js';
import { IRIS_PACKAGE } from './paths.js';
import { missingFlags, type ServerSpec } from './server.js';
import { BATCH_MAX_DELAY_US, BATCH_MAX_ROWS, OVERLOAD_MAX_IN_FLIGHT } from './settings.js';

/** The server configurations the steps run against. */
export type ServerKey = 'tiny' | 'wide-off' | 'wide-on' | 'overload' | 'graph';

const BATCHING_ON = ['--max-batch-size', String(BATCH_MAX_ROWS), '--max-batch-delay-us', String(BATCH_MAX_DELAY_US)];

export type SpecOrMissing = { readonly spec: ServerSpec } | { readonly missing: readonly string[] };

/**
 * The `serve` command line of each configuration. A configuration needing a
 * flag the built CLI lacks comes back as `missing`, and its steps are skipped.
 */
export function serverSpec(key: ServerKey, wideModel: string, supported: ReadonlySet<string>, graphConfig: string): SpecOrMissing {
  const check = (label: string, model: string, name: string, flags: string[]): SpecOrMissing => {
    const missing = missingFlags(flags, supported);
    return missing.length > 0 ? { missing } : { spec: { label, model, name, flags } };
  };
  switch (key) {
    case 'tiny':
      return check('iris', IRIS_PACKAGE, IRIS_NAME, []);
    case 'wide-off':
      // Batching is off when not configured; say so explicitly where the CLI can, in case its default changes.
      return check('wide MLP, batching off', wideModel, WIDE_NAME, supported.has('--max-batch-size') ? ['--max-batch-size', '1'] : []);
    case 'wide-on':
      return check('wide MLP, batching on', wideModel, WIDE_NAME, BATCHING_ON);
    case 'overload':
      // Bounded admission: beyond OVERLOAD_MAX_IN_FLIGHT requests (and as many queued rows) the server must shed with 503.
      return check('wide MLP, batching on, bounded', wideModel, WIDE_NAME, [
        ...BATCHING_ON,
        '--max-in-flight', String(OVERLOAD_MAX_IN_FLIGHT),
        '--max-queue', String(OVERLOAD_MAX_IN_FLIGHT),
      ]);
    case 'graph':
      // Every service-graph scenario on one server, with the defaults (batching on, delay 0; iris inline).
      return { spec: { label: 'service graphs', model: '', name: '', config: graphConfig, flags: [] } };
  }
}
