import { existsSync } from 'node:fs';
import { RunStore } from './run-store.js';

export interface RunStatusView {
  readonly runId: string;
  readonly state: string;
  readonly shardsDone: number;
  readonly shardsQueued: number;
  readonly shardsFailed: number;
  readonly shards: number;
  readonly rows: number;
  readonly keysWritten: number;
  readonly malformedRows: number;
  readonly output: string;
  readonly errorFile: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** A run as `batch status` shows it, or undefined when the state dir has no such run. */
export function readRunStatus(stateDir: string, runId: string): RunStatusView | undefined {
  if (!existsSync(RunStore.pathIn(stateDir))) return undefined;
  const store = new RunStore(stateDir);
  try {
    const run = store.run(runId);
    if (!run) return undefined;
    const shards = store.shards(runId);
    const count = (status: string): number => shards.filter((s) => s.status === status).length;
    return {
      runId,
      state: run.status,
      shardsDone: count('done'),
      shardsQueued: count('queued'),
      shardsFailed: count('failed'),
      shards: Math.max(run.shards, shards.length),
      rows: run.rows,
      keysWritten: store.keysWritten(runId),
      malformedRows: run.malformed,
      output: run.output,
      errorFile: run.error_file,
      createdAt: run.created_at,
      updatedAt: run.updated_at,
      finishedAt: run.finished_at,
    };
  } finally {
    store.close();
  }
}
