/** One piece of feedback on an earlier prediction (POST /v1/feedback), as services are told it. */
export type FeedbackEvent = { requestId?: string; key?: string; label?: string; value?: number; reward?: number };
