import type { ServiceNode, ShadowNode, SplitNode } from '../services/schema.js';

/**
 * An experiment node of a service graph, with the node-path prefix its model
 * calls are logged under (parallel branches, split variants, bandit arms and
 * shadow candidates each add a segment, as the graph runner does).
 */
export type ExperimentNode = { readonly kind: 'shadow'; readonly prefix: string; readonly node: ShadowNode } | { readonly kind: 'split'; readonly prefix: string; readonly node: SplitNode };

/** Every shadow and split node of a graph, depth first, in declaration order. */
export function findExperiments(graph: ServiceNode, prefix = ''): ExperimentNode[] {
  const found: ExperimentNode[] = [];
  const visit = (node: ServiceNode, at: string): void => {
    switch (node.type) {
      case 'shadow':
        found.push({ kind: 'shadow', prefix: at, node });
        visit(node.primary, at);
        for (const [name, candidate] of Object.entries(node.candidates)) visit(candidate, `${at}shadow/${name}/`);
        break;
      case 'split':
        found.push({ kind: 'split', prefix: at, node });
        for (const [name, variant] of Object.entries(node.variants)) visit(variant.node, `${at}${name}/`);
        break;
      case 'pipeline':
        node.steps.forEach((step) => visit(step, at));
        break;
      case 'parallel':
        for (const [name, branch] of Object.entries(node.branches)) visit(branch, `${at}${name}/`);
        break;
      case 'threshold':
      case 'cache':
        visit(node.input, at);
        break;
      case 'condition':
        node.rules.forEach((rule) => visit(rule.then, at));
        visit(node.default, at);
        break;
      case 'multistage':
        visit(node.fast, at);
        visit(node.slow, at);
        break;
      case 'lookup':
        visit(node.fallback, at);
        break;
      case 'bandit':
        for (const [name, arm] of Object.entries(node.arms)) visit(arm, `${at}${name}/`);
        break;
      case 'model':
      case 'service':
      case 'remote':
      case 'map':
        break;
    }
  };
  visit(graph, prefix);
  return found;
}
