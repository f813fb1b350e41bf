import { MlError, toMlError } from '../errors/ml-error.js';
import { aggregateOrThrow } from './aggregate.js';
import { mergeFailed, type NodeValue } from './node-value.js';
import type { RunContext } from './run-context.js';
import type { ParallelNode, ServiceNode } from './schema.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;
type Outcome = { readonly name: string; readonly path: string } & ({ readonly value: NodeValue } | { readonly error: MlError });

/**
 * Horizontal microservices: every active branch gets the same instances at once.
 * A branch that fails or outlives `timeoutMs` is left out and reported in
 * `failed` (a partial answer beats no answer when the others are fine); only
 * when no branch answers does the request fail, naming a branch.
 */
export async function runParallel(node: ParallelNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const active = Object.entries(node.branches).filter(([, branch]) => branch.active !== false);
  const pending = active.map(async ([name, branch]): Promise<Outcome> => {
    const path = `${ctx.branchPath}${name}`;
    try {
      const work = run(branch, instances, { ...ctx, branchPath: `${path}/` });
      return { name, path, value: await withTimeout(work, node.timeoutMs ?? 0, () => new MlError('BRANCH_TIMEOUT', { service: ctx.service, branch: path, timeoutMs: node.timeoutMs })) };
    } catch (err) {
      return { name, path, error: toMlError(err) };
    }
  });
  if (node.aggregate === 'first-success') return firstSuccess(pending, ctx.service, instances.length);
  const outcomes = await Promise.all(pending);
  const answered: [string, NodeValue][] = [];
  const failed: Record<string, string> = {};
  const errors: MlError[] = [];
  for (const o of outcomes) {
    if ('value' in o) answered.push([o.name, o.value]);
    else {
      failed[o.path] = o.error.code;
      errors.push(o.error);
    }
  }
  if (answered.length === 0) throw allFailed(errors, outcomes, ctx.service);
  const value = aggregateOrThrow(ctx.service, node.aggregate ?? 'all', answered, instances.length);
  const allFailures = mergeFailed([failed, ...answered.map(([, v]) => v.failed)]);
  return { ...value, ...(allFailures ? { failed: allFailures } : {}) };
}

/**
 * The first branch to answer wins and answers at once (the others run on and are
 * not waited for: their results are dropped); `branch` names the winner. Only
 * when every branch fails does the request fail, as for the other aggregates.
 */
async function firstSuccess(pending: readonly Promise<Outcome>[], service: string, instances: number): Promise<NodeValue> {
  const outcomes: Outcome[] = [];
  const winner = await new Promise<{ name: string; value: NodeValue } | undefined>((resolve) => {
    for (const p of pending) {
      void p.then((o) => {
        outcomes.push(o);
        if ('value' in o) resolve({ name: o.name, value: o.value });
        else if (outcomes.length === pending.length) resolve(undefined);
      });
    }
  });
  if (!winner) throw allFailed(outcomes.flatMap((o) => ('error' in o ? [o.error] : [])), outcomes, service);
  if (winner.value.rows.length !== instances) {
    throw new MlError('GRAPH_OUTPUT_INVALID', { service, node: 'parallel', reason: `branch "${winner.name}" answered ${winner.value.rows.length} rows for ${instances} instances` });
  }
  // Branches that failed before the winner are not reported: the answer is whole, not partial.
  const { route: _route, ...value } = winner.value;
  return { ...value, extras: { ...value.extras, branch: new Array<string>(instances).fill(winner.name) } };
}

/**
 * When every branch failed: a client error shared by all (a malformed instance)
 * is the client's to fix, so it goes back as it is; otherwise a timeout (504) or
 * a branch failure (502) naming the first branch.
 */
function allFailed(errors: readonly MlError[], outcomes: readonly Outcome[], service: string): MlError {
  const [first] = errors;
  if (first && errors.every((e) => e.status >= 400 && e.status < 500)) return first;
  const timeout = errors.find((e) => e.code === 'BRANCH_TIMEOUT');
  if (timeout) return timeout;
  const nested = errors.find((e) => e.code === 'BRANCH_FAILED');
  if (nested) return nested;
  const branch = outcomes.find((o) => 'error' in o)?.path ?? '?';
  return new MlError('BRANCH_FAILED', { service, branch, reason: first?.message ?? 'unknown error' }, { cause: first });
}

/** Races `work` against a timer; the work itself is not cancelled (its model lease is released when it ends). */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => MlError): Promise<T> {
  if (ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    // A late failure of abandoned work must not surface as an unhandled rejection.
    void work.catch(() => undefined);
  }
}
