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
    case 'condition':
      node.rules.forEach((rule, i) => walkGraph(rule.then, [...path, 'rules', i, 'then'], visit));
      walkGraph(node.default, [...path, 'default'], visit);
      break;
    case 'multistage':
      walkGraph(node.fast, [...path, 'fast'], visit);
      walkGraph(node.slow, [...path, 'slow'], visit);
      break;
    case 'lookup':
      walkGraph(node.fallback, [...path, 'fallback'], visit);
      break;
    case 'shadow':
      walkGraph(node.primary, [...path, 'primary'], visit);
      for (const [name, candidate] of Object.entries(node.candidates)) walkGraph(candidate, [...path, 'candidates', name], visit);
      break;
    case 'split':
      for (const [name, variant] of Object.entries(node.variants)) walkGraph(variant.node, [...path, 'variants', name, 'node'], visit);
      break;
    case 'bandit':
      for (const [name, arm] of Object.entries(node.arms)) walkGraph(arm, [...path, 'arms', name], visit);
      break;
    case 'model':
    case 'service':
    case 'remote':
    case 'map':
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
    // Services are also served as Open Inference Protocol models (/v2/models/{name}): one namespace.
    if (modelNames.has(s.name)) problems.push({ path: ['services', i, 'name'], message: `"${s.name}" is already a model's name (services are also served under /v2/models/{name})` });
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
      if (node.type === 'multistage' && node.fast.active === false) {
        problems.push({ path: [...path, 'fast', 'active'], message: 'the fast stage of a multistage cannot be switched off (switch off slow to serve fast alone)' });
      }
      if (node.type === 'lookup' && node.fallback.active === false) {
        problems.push({ path: [...path, 'fallback', 'active'], message: 'the fallback of a lookup cannot be switched off (it serves every miss)' });
      }
      if (node.type === 'shadow' && node.primary.active === false) {
        problems.push({ path: [...path, 'primary', 'active'], message: 'the primary of a shadow node cannot be switched off (it answers every request)' });
      }
      // Weights summing to 0 are the schema's to report; here, positive weights whose variants are all off.
      const variants = node.type === 'split' ? Object.values(node.variants) : [];
      if (variants.some((v) => v.weight > 0) && variants.every((v) => v.weight <= 0 || v.node.active === false)) {
        problems.push({ path: [...path, 'variants'], message: 'no variant with a weight above 0 is switched on: no variant could serve' });
      }
      if (node.type === 'bandit' && Object.values(node.arms).every((arm) => arm.active === false)) {
        problems.push({ path: [...path, 'arms'], message: 'every arm is switched off (active: false): no arm could serve' });
      }
      // A hit would skip the decision, so feedback on it would reward no arm (or another request's).
      if (node.type === 'cache' && reachesCondition(node.input, byName, 'bandit')) {
        problems.push({ path: [...path, 'input'], message: 'a cache cannot wrap a bandit node (a hit records no decision to reward); put caches inside the arms' });
      }
      if (node.type === 'condition' && node.default.active === false) {
        problems.push({ path: [...path, 'default', 'active'], message: 'the default route of a condition cannot be switched off' });
      }
      // Cache keys see the instances, not the headers, fields or hour a rule reads: a cache
      // around a condition would answer one route's result to a request meant for another.
      if (node.type === 'cache' && reachesCondition(node.input, byName)) {
        problems.push({ path: [...path, 'input'], message: 'a cache cannot wrap a condition node (its key does not see headers, fields or the hour); put caches inside the routes' });
      }
      // Likewise a split: a hit would answer one variant's result to a request assigned another, and skip the variant's metrics.
      if (node.type === 'cache' && reachesCondition(node.input, byName, 'split')) {
        problems.push({ path: [...path, 'input'], message: 'a cache cannot wrap a split node (a hit would answer another variant\'s result); put caches inside the variants' });
      }
    });
  });
  for (const cycle of findCycles(services, byName)) {
    const index = services.findIndex((s) => s.name === cycle[0]);
    problems.push({ path: ['services', index, 'graph'], message: `services form a cycle: ${cycle.join(' -> ')}` });
  }
  return problems;
}

/** Whether a node of `type` (a condition by default) is under `root`, through referenced services too (cycle-safe). */
function reachesCondition(root: ServiceNode, byName: ReadonlyMap<string, ServiceEntry>, type: ServiceNode['type'] = 'condition'): boolean {
  let found = false;
  const seen = new Set<string>();
  const visit = (graph: ServiceNode): void =>
    walkGraph(graph, [], (node) => {
      if (node.type === type) found = true;
      const ref = node.type === 'service' ? byName.get(node.service) : undefined;
      if (ref && !seen.has(ref.name)) {
        seen.add(ref.name);
        visit(ref.graph);
      }
    });
  visit(root);
  return found;
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
