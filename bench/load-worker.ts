/**
 * The load generator process: `node --import tsx bench/load-worker.ts`, forked
 * by bench/run.ts. It runs one load job at a time and answers over IPC.
 */
import { runClosedLoop } from './closed-loop.js';
import type { LoadJob, LoadResult } from './load-protocol.js';
import { runOpenLoop } from './open-loop.js';
import { serveJobs } from './worker-rpc.js';

serveJobs<LoadJob, LoadResult>(async (job) => (job.kind === 'closed' ? runClosedLoop(job) : runOpenLoop(job)));
