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
  const outcomes = await Promise.all(
    active.map(async ([name, branch]): Promise<Outcome> => {
      const path = `${ctx.branchPath}${name}`;
      try {
        const work = run(branch, instances, { ...ctx, branchPath: `${path}/` });
        return { name, path, value: await withTimeout(work, node.timeoutMs ?? 0, () => new MlError('BRANCH_TIMEOUT', { service: ctx.service, branch: path, timeoutMs: node.timeoutMs })) };
      } catch (err) {
        return { name, path, error: toMlError(err) };
      }
    }),
  );
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
