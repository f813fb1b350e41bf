/**
 * Every kind of job a worker knows: each import registers its handler
 * (registerJobHandler) as a side effect. A worker imports this module once.
 */
import './predict-job.js';
import '../batch/shard-job.js';
