import type { RunContext } from './run-context.js';
import type { ServiceNode } from './schema.js';
import { walkGraph } from './validate-graph.js';

// Worked out on a node's first request, then remembered for as long as the node (its graph) lives.
const labels = new WeakMap<ServiceNode, Map<string, string>>();

/**
 * The metrics label of a node: its path in the service's graph ("graph/steps/1"),
 * or in a service it references ("other:graph/primary"), as cache nodes are labelled.
 * `fallback` labels a node the walk cannot find (a graph replaced mid-request).
 */
export function nodeLabel(node: ServiceNode, ctx: Pick<RunContext, 'service' | 'graphOf'>, fallback: string): string {
  let byService = labels.get(node);
  const known = byService?.get(ctx.service);
  if (known !== undefined) return known;
  const found = findPath(node, ctx) ?? fallback;
  if (!byService) labels.set(node, (byService = new Map<string, string>()));
  byService.set(ctx.service, found);
  return found;
}

function findPath(target: ServiceNode, ctx: Pick<RunContext, 'service' | 'graphOf'>): string | undefined {
  const seen = new Set<string>();
  const search = (service: string, prefix: string): string | undefined => {
    seen.add(service);
    let found: string | undefined;
    const refs: string[] = [];
    walkGraph(ctx.graphOf(service), ['graph'], (node, path) => {
      if (found === undefined && node === target) found = `${prefix}${path.join('/')}`;
      if (node.type === 'service' && !seen.has(node.service)) refs.push(node.service);
    });
    for (const ref of refs) found ??= search(ref, `${ref}:`);
    return found;
  };
  try {
    return search(ctx.service, '');
  } catch {
    return undefined; // a reference that vanished in a reload: use the fallback
  }
}
