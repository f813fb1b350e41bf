/**
 * What flows between the nodes of a service graph, one entry per instance.
 *
 * The output → input mapping (documented in docs/services.md): a node's input is
 * a list of instances, exactly what a client sends as `instances`; its output is
 * `rows`, one per instance. A pipeline feeds a step's `rows` to the next step as
 * its instances, so a model after a model receives the first model's
 * predictions (e.g. probability rows) as feature rows. Labels and extras
 * describe the node that made them and do not flow into the next step.
 */
export interface NodeValue {
  /** One entry per instance: the node's primary output (what the response calls `predictions`). */
  readonly rows: readonly unknown[];
  /** One class label per instance, when the node knows them (a model with labels). */
  readonly labels?: readonly string[];
  /** Per-instance extras (e.g. `branch` for max-confidence), returned beside `predictions`. */
  readonly extras?: Readonly<Record<string, readonly unknown[]>>;
  /** Branches left out of this value, by branch path, with the error code that removed them. */
  readonly failed?: Readonly<Record<string, string>>;
  /**
   * The route a condition node chose ("rules[1]"), nested choices joined with
   * "/" ("rules[1]/default"), the steps of a pipeline with ",". Not carried
   * through parallel aggregation or cache hits.
   */
  readonly route?: string;
  /**
   * The job a `multistage` node started: its slow stage's answer arrives later
   * under this id (`GET /v1/jobs/{id}`). The outermost multistage's wins.
   */
  readonly job?: { readonly id: string };
  /**
   * The variant a `split` node chose ("b"), nested splits joined with "/"
   * ("b/b2"), the splits of a pipeline's steps with ",". Not carried through
   * parallel aggregation or cache hits.
   */
  readonly variant?: string;
}

/** The failures of several values, merged (undefined when none). */
export function mergeFailed(values: readonly (Readonly<Record<string, string>> | undefined)[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const v of values) if (v) Object.assign(out, v);
  return Object.keys(out).length > 0 ? out : undefined;
}
