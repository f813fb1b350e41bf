import type { ServiceEntry, ServiceNode } from './schema.js';

export interface GraphProblem {
  /** Path from the config root, e.g. ["services", 0, "graph", "branches", "a", "model"]. */
  readonly path: (string | number)[];
  readonly message: string;
}

/** Calls `visit` on every node of a graph with its path (depth first). */
export function walkGraph(node: ServiceNode, path: (string | number)[], visit: (node: ServiceNode, path: (string | number)[]) => void): void {
  visit(node, path);
  switch (node.type) {
    case 'pipeline':
      node.steps.forEach((step, i) => walkGraph(step, [...path, 'steps', i], visit));
      break;
    case 'parallel':
      for (const [name, branch] of Object.entries(node.branches)) walkGraph(branch, [...path, 'branches', name], visit);
      break;
    case 'threshold':
    case 'cache':
      walkGraph(node.input, [...path, 'input'], visit);
      break;
    case 'model':
    case 'service':
      break;
  }
}

/**
 * What the schema cannot see alone: references to models and services that do
 * not exist, services that reach themselves (a cycle would recurse until the
 * stack blows on the first request), duplicate names, a switched-off root.
 * Every problem is returned, so start-up lists them all at once.
 */
export function graphProblems(services: readonly ServiceEntry[], modelNames: ReadonlySet<string>): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const byName = new Map<string, ServiceEntry>();
  services.forEach((s, i) => {
    if (byName.has(s.name)) problems.push({ path: ['services', i, 'name'], message: `duplicate service name "${s.name}"` });
    else byName.set(s.name, s);
  });
  services.forEach((s, i) => {
    const root = ['services', i, 'graph'];
    if (s.graph.active === false) problems.push({ path: [...root, 'active'], message: 'the root node of a service cannot be switched off' });
    walkGraph(s.graph, root, (node, path) => {
      if (node.type === 'model' && !modelNames.has(node.model)) {
        problems.push({ path: [...path, 'model'], message: `unknown model "${node.model}" (served models: ${[...modelNames].join(', ') || 'none'})` });
      }
      if (node.type === 'parallel' && Object.values(node.branches).every((b) => b.active === false)) {
        problems.push({ path: [...path, 'branches'], message: 'every branch is switched off (active: false)' });
      }
      if (node.type === 'service' && !byName.has(node.service)) {
        problems.push({ path: [...path, 'service'], message: `unknown service "${node.service}"` });
      }
    });
  });
  for (const cycle of findCycles(services, byName)) {
    const index = services.findIndex((s) => s.name === cycle[0]);
    problems.push({ path: ['services', index, 'graph'], message: `services form a cycle: ${cycle.join(' -> ')}` });
  }
  return problems;
}

/** Each cycle among `service` references once, as the names along it (first repeated at the end). */
function findCycles(services: readonly ServiceEntry[], byName: ReadonlyMap<string, ServiceEntry>): string[][] {
  const refs = new Map<string, string[]>();
  for (const s of services) {
    const out: string[] = [];
    walkGraph(s.graph, [], (node) => {
      if (node.type === 'service' && byName.has(node.service)) out.push(node.service);
    });
    refs.set(s.name, out);
  }
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    const at = stack.indexOf(name);
    if (at >= 0) {
      cycles.push([...stack.slice(at), name]);
      return;
    }
    if (done.has(name)) return;
    stack.push(name);
    for (const next of refs.get(name) ?? []) visit(next);
    stack.pop();
    done.add(name);
  };
  for (const s of services) visit(s.name);
  return cycles;
}
