/**
 * Each cycle of a step graph once, as the steps along it with the first
 * repeated at the end (`a → b → a`). `edges` maps a step to the steps it
 * depends on; names that are not steps are ignored (reported elsewhere).
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      const mark = state.get(next);
      if (mark === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const id = [...cycle.slice(0, -1)].sort().join('\0');
        if (!seen.has(id)) {
          seen.add(id);
          cycles.push(cycle);
        }
      } else if (mark === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

