/** The issue-5 step ids (`--only queue` selects them all), shared by the steps and their targets. */
export const QUEUE_STEP_IDS = { sqlite: 'queue-sqlite', http: 'queue-http', bullmq: 'queue-bullmq', batch: 'queue-batch' } as const;
