import type { IGraphProto } from './proto.js';

/**
 * Hands out value, node and initializer names that collide with nothing already in
 * the graph (nor with each other), so a rewrite can add nodes without renaming
 * anything the model's users know about.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(graph: IGraphProto) {
    for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) this.add(v.name);
    for (const t of graph.initializer ?? []) this.add(t.name);
    for (const n of graph.node ?? []) {
      this.add(n.name);
      for (const name of [...(n.input ?? []), ...(n.output ?? [])]) this.add(name);
    }
  }

  /** `prefix`, or `prefix_1`, `prefix_2`, ... whichever is free first. */
  next(prefix: string): string {
    let name = prefix;
    for (let i = 1; this.taken.has(name); i++) name = `${prefix}_${i}`;
    this.taken.add(name);
    return name;
  }

  private add(name: string | null | undefined): void {
    if (name) this.taken.add(name);
  }
}
