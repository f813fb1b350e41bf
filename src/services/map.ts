import { MlError } from '../errors/ml-error.js';
import { ownPath } from './own-path.js';
import type { NodeValue } from './node-value.js';
import type { RunContext } from './run-context.js';
import type { MapNode, MapPart, MapSource } from './schema.js';

/**
 * Explicit output → input mapping: builds each instance for the next step from
 * the previous step's rows or labels and the service's input instances. Nothing
 * is guessed: a missing field or column is an error naming it, not a silently
 * shorter row (the wrong-payload failure of chained steps).
 */
export async function runMap(node: MapNode, instances: readonly unknown[], ctx: RunContext): Promise<NodeValue> {
  try {
    if (node.concat) {
      const parts = node.concat.map((p) => pick(typeof p === 'string' ? { from: p } : p, instances, ctx));
      return { rows: instances.map((_, i) => parts.flatMap((values) => spread(values[i]))) };
    }
    const rows = pick(node, instances, ctx);
    // `{type: map}` alone passes the previous value through, labels included.
    const identity = (node.from ?? 'rows') === 'rows' && node.field === undefined && node.columns === undefined;
    const labels = identity ? ctx.previous?.labels : undefined;
    return { rows, ...(labels ? { labels } : {}) };
  } catch (error) {
    throw error instanceof MapError ? new MlError('GRAPH_OUTPUT_INVALID', { service: ctx.service, node: 'map', reason: error.message }) : error;
  }
}

class MapError extends Error {}

function pick(part: MapPart, instances: readonly unknown[], ctx: RunContext): unknown[] {
  const source = part.from ?? 'rows';
  return sourceValues(source, instances, ctx).map((value, i) => {
    let out = value;
    if (part.field !== undefined) {
      out = ownPath(out, part.field);
      if (out === undefined) throw new MapError(`instance ${i}: ${source} has no field "${part.field}"`);
    }
    if (part.columns !== undefined) {
      const row = out;
      if (!Array.isArray(row)) throw new MapError(`instance ${i}: ${source}${part.field ? `.${part.field}` : ''} is not a list, so columns cannot be taken`);
      out = part.columns.map((c) => {
        if (c >= row.length) throw new MapError(`instance ${i}: column ${c} is out of range (the row has ${row.length})`);
        return row[c] as unknown;
      });
    }
    return out;
  });
}

function sourceValues(source: MapSource, instances: readonly unknown[], ctx: RunContext): readonly unknown[] {
  switch (source) {
    case 'rows':
      return instances;
    case 'input': {
      const input = ctx.input ?? instances;
      if (input.length !== instances.length) throw new MapError(`the service input has ${input.length} instances for ${instances.length} rows`);
      return input;
    }
    case 'labels': {
      const labels = ctx.previous?.labels;
      if (!labels) throw new MapError('the previous step gave no labels');
      return labels;
    }
  }
}

/** Lists are spread into the joined row; anything else is one item of it. */
function spread(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [value];
}
