import type { LookupConnections, LookupTable } from './lookup-table.js';
import type { LookupNode, ServiceEntry } from './schema.js';
import { walkGraph } from './validate-graph.js';

export const DEFAULT_LOOKUP_COLUMN = 'prediction';
export const DEFAULT_LOOKUP_LABEL_COLUMN = 'label';
export const DEFAULT_LOOKUP_TIMEOUT_MS = 1000;

/** What a lookup node needs at request time, worked out once at start-up (no I/O). */
export interface LookupBinding {
  readonly table: LookupTable;
  /** The service that declares the node and the node's path in its graph (metrics labels, errors). */
  readonly service: string;
  readonly node: string;
  readonly keyColumn: string;
  readonly column: string;
  readonly labelColumn: string;
  /** Write-back fills the label column only when the node names one (a table without it would refuse the write). */
  readonly writeLabel: boolean;
}

/** The tables of every lookup node of every service, on connections shared by source. */
export function bindLookups(entries: readonly ServiceEntry[], connections: LookupConnections): Map<LookupNode, LookupBinding> {
  const bindings = new Map<LookupNode, LookupBinding>();
  for (const entry of entries) {
    walkGraph(entry.graph, ['graph'], (node, path) => {
      if (node.type !== 'lookup' || bindings.has(node)) return;
      const keyColumn = node.keyColumn ?? defaultKeyColumn(node.key);
      bindings.set(node, {
        table: connections.table(node.source, keyColumn, node.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS),
        service: entry.name,
        node: path.join('/'),
        keyColumn,
        column: node.column ?? DEFAULT_LOOKUP_COLUMN,
        labelColumn: node.labelColumn ?? DEFAULT_LOOKUP_LABEL_COLUMN,
        writeLabel: node.labelColumn !== undefined,
      });
    });
  }
  return bindings;
}

/** `batch run --key id` writes the key into a column named `id`: `customer.id` reads column `id`. */
export function defaultKeyColumn(key: string): string {
  return key.split('.').at(-1) ?? key;
}
