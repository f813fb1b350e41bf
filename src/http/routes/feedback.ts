import type { FastifyInstance } from 'fastify';
import { MlError } from '../../errors/ml-error.js';
import { parseFeedback } from '../../feedback/parse-feedback.js';
import { FeedbackRecorder } from '../../feedback/record-feedback.js';
import type { FeedbackEvent } from '../../services/feedback-event.js';
import type { ServerContext } from '../context.js';
import { requireJson } from './require-json.js';

/**
 * `POST /v1/feedback`: ground truth (label, value) or a reward for a logged
 * prediction, any time later (docs/feedback-and-evaluation.md). 201 when
 * stored, 200 when the same feedback was stored before.
 */
export function feedbackRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const logger = ctx.predictionLog;
  const recorder = logger ? new FeedbackRecorder({ sink: logger.sink, flushPredictions: () => logger.flush() }) : undefined;
  app.post('/v1/feedback', async (req, reply) => {
    if (!recorder) throw new MlError('PREDICTION_LOG_DISABLED');
    requireJson(req);
    const feedback = parseFeedback(req.body);
    const { record, duplicate } = await recorder.record(feedback);
    if (!duplicate) {
      const event: FeedbackEvent = {
        requestId: record.request_id,
        ...(feedback.key !== undefined ? { key: feedback.key } : {}),
        ...(feedback.label !== undefined ? { label: String(feedback.label) } : {}),
        ...(feedback.value !== undefined ? { value: feedback.value } : {}),
        ...(feedback.reward !== undefined ? { reward: feedback.reward } : {}),
      };
      // The feedback is stored whatever a listener makes of it: its failure is logged, not answered.
      await ctx.services.notifyFeedback(event).catch((err: unknown) => req.log.warn({ err }, 'a service failed to take feedback'));
    }
    const joined = {
      model: record.model,
      version: record.version,
      request_id: record.request_id,
      ...(record.service !== undefined ? { service: record.service } : {}),
      ...(record.variant !== undefined ? { variant: record.variant } : {}),
    };
    return reply.status(duplicate ? 200 : 201).send({ feedback_id: record.id, duplicate, joined });
  });
}
