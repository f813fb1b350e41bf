import { MlError } from '../errors/ml-error.js';
import type { NodeValue } from './node-value.js';
import type { ModelRunner } from './run-context.js';
import { runNode } from './run-node.js';
import type { ServiceEntry, ServiceNode } from './schema.js';
import { walkGraph } from './validate-graph.js';

export interface RunServiceOptions {
  readonly requestId: string;
  readonly runModel: ModelRunner;
}

/**
 * The services a server serves, by name. Entries come from config or from the
 * builders (builders.ts) — the same plain objects, validated by the same schema.
 */
export class ServiceRepository {
  readonly #entries: ReadonlyMap<string, ServiceEntry>;

  constructor(entries: readonly ServiceEntry[]) {
    this.#entries = new Map(entries.map((e) => [e.name, e]));
  }

  get(name: string): ServiceEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new MlError('SERVICE_NOT_FOUND', { name });
    return entry;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Runs the named service on a batch of instances. */
  run(name: string, instances: readonly unknown[], options: RunServiceOptions): Promise<NodeValue> {
    const entry = this.get(name);
    return runNode(entry.graph, instances, {
      service: name,
      requestId: options.requestId,
      runModel: options.runModel,
      graphOf: (service) => this.get(service).graph,
      branchPath: '',
    });
  }

  /** Served models the service calls, through referenced services too, each once, in graph order. */
  modelsOf(name: string): string[] {
    const models = new Set<string>();
    const seen = new Set<string>();
    const visit = (graph: ServiceNode): void =>
      walkGraph(graph, [], (node) => {
        if (node.type === 'model') models.add(node.model);
        if (node.type === 'service' && !seen.has(node.service)) {
          seen.add(node.service); // start-up refuses cycles; the set is a second guard
          visit(this.get(node.service).graph);
        }
      });
    visit(this.get(name).graph);
    return [...models];
  }
}
