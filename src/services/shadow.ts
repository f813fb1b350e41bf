import { isDeepStrictEqual } from 'node:util';
import type { NodeValue } from './node-value.js';
import { nodeLabel } from './node-label.js';
import type { RunContext } from './run-context.js';
import type { ServiceNode, ShadowNode } from './schema.js';
import { unitHash } from './stable-hash.js';

type RunNode = (node: ServiceNode, instances: readonly unknown[], ctx: RunContext) => Promise<NodeValue>;

/** What happened to one mirrored request on one candidate: `skipped` when the node's bound was reached. */
export type ShadowResult = 'ok' | 'error' | 'timeout' | 'skipped';

/** One candidate's outcome for one request; `agreed`/`disagreed` count instances, when both answered. */
export interface ShadowEvent {
  readonly service: string;
  /** The shadow node's path in its graph (metrics label). */
  readonly node: string;
  readonly candidate: string;
  readonly result: ShadowResult;
  readonly agreed?: number;
  readonly disagreed?: number;
}

export const DEFAULT_SHADOW_TIMEOUT_MS = 5000;
export const DEFAULT_SHADOW_MAX_CONCURRENT = 64;

// Candidate runs in flight per node. Keyed by the node object, so a reloaded graph starts afresh.
const inFlight = new WeakMap<ShadowNode, { count: number }>();

/**
 * Whether this request is mirrored: a hash of its request id against the share,
 * so a replay with the same ids mirrors exactly the same requests.
 */
export function isMirrored(requestId: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  return unitHash(`shadow:${requestId}`) < share;
}

/**
 * Shadow traffic: the primary answers; the candidates run on the same instances
 * with the same request id in the background. The answer never waits for them,
 * and nothing they do (fail, hang) reaches it: outcomes only go to `onShadow`.
 */
export function runShadow(node: ShadowNode, instances: readonly unknown[], ctx: RunContext, run: RunNode): Promise<NodeValue> {
  const primary = run(node.primary, instances, ctx);
  if (isMirrored(ctx.requestId, node.share ?? 1)) {
    try {
      mirror(node, instances, ctx, run, primary);
    } catch {
      // Shadow bookkeeping must never cost the client its answer.
    }
  }
  return primary;
}

function mirror(node: ShadowNode, instances: readonly unknown[], ctx: RunContext, run: RunNode, primary: Promise<NodeValue>): void {
  const label = nodeLabel(node, ctx, `${ctx.branchPath}shadow`);
  const max = node.maxConcurrent ?? DEFAULT_SHADOW_MAX_CONCURRENT;
  const timeoutMs = node.timeoutMs ?? DEFAULT_SHADOW_TIMEOUT_MS;
  let slots = inFlight.get(node);
  if (!slots) inFlight.set(node, (slots = { count: 0 }));
  // A multistage inside a candidate must not start jobs nobody will ever be told about.
  const { jobs: _jobs, ...candidateCtx } = ctx;
  for (const [name, candidate] of Object.entries(node.candidates)) {
    if (candidate.active === false) continue;
    const report = (event: Pick<ShadowEvent, 'result' | 'agreed' | 'disagreed'>): void => {
      try {
        ctx.onShadow?.({ service: ctx.service, node: label, candidate: name, ...event });
      } catch {
        // A metrics callback's failure is not the candidate's.
      }
    };
    if (slots.count >= max) {
      report({ result: 'skipped' });
      continue;
    }
    slots.count++;
    const held = slots;
    let work: Promise<NodeValue>;
    try {
      work = run(candidate, instances, { ...candidateCtx, branchPath: `${ctx.branchPath}shadow/${name}/` });
    } catch (err) {
      work = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // The slot is freed when the work really ends, not when it is abandoned: hung candidates cannot pile up past the bound.
    void work.then(
      () => held.count--,
      () => held.count--,
    );
    void settle(work, primary, timeoutMs).then(report, () => report({ result: 'error' }));
  }
}

async function settle(work: Promise<NodeValue>, primary: Promise<NodeValue>, timeoutMs: number): Promise<Pick<ShadowEvent, 'result' | 'agreed' | 'disagreed'>> {
  const outcome = await abandonAfter(work, timeoutMs);
  if (outcome === 'timeout' || outcome === 'error') return { result: outcome };
  const base = await primary.then(
    (value) => value,
    () => undefined,
  );
  // A failed primary has nothing to agree with: the candidate's answer still counts as ok.
  return base ? { result: 'ok', ...agreement(base, outcome) } : { result: 'ok' };
}

/** The work's value, or how it ended; the timer does not keep a closing process alive. */
function abandonAfter(work: Promise<NodeValue>, ms: number): Promise<NodeValue | 'timeout' | 'error'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve('error');
      },
    );
  });
}

/**
 * Instances on which the candidate agrees with the primary: same label when both
 * give labels, else same argmax when both rows are numeric lists (class scores),
 * else equal rows. A row one side lacks is a disagreement.
 */
export function agreement(primary: NodeValue, candidate: NodeValue): { agreed: number; disagreed: number } {
  const count = Math.max(primary.rows.length, candidate.rows.length);
  const byLabel = primary.labels !== undefined && candidate.labels !== undefined;
  let agreed = 0;
  for (let i = 0; i < count; i++) {
    if (i >= primary.rows.length || i >= candidate.rows.length) continue;
    if (byLabel ? primary.labels?.[i] === candidate.labels?.[i] : sameRow(primary.rows[i], candidate.rows[i])) agreed++;
  }
  return { agreed, disagreed: count - agreed };
}

function sameRow(a: unknown, b: unknown): boolean {
  const ia = argmax(a);
  const ib = argmax(b);
  if (ia !== undefined && ib !== undefined) return ia === ib;
  return isDeepStrictEqual(a, b);
}

/** Index of the largest entry of a non-empty list of numbers; undefined for anything else. */
function argmax(row: unknown): number | undefined {
  if (!Array.isArray(row) || row.length === 0 || !row.every((v) => typeof v === 'number')) return undefined;
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}
