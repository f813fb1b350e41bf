/**
 * Which forecast origins train the model and which evaluate it. Origins are weekly and fall
 * on the weekday of the data's last day, the origin of the real forecast: the model learns
 * exactly the task it will do (forecast the next 7 days from that weekday), and every day of
 * the training span is a target exactly once.
 *
 * Held out: the last `holdoutWeeks` origins, the last one's 7 days ending on the data's last
 * day. Training: up to `trainWeeks` origins before them, the latest ones first; every
 * training target lies on or before the first held-out origin, so no held-out day is ever
 * seen in training (not even as a label).
 */
import { MAX_HORIZON, MIN_HISTORY_DAYS } from './features.js';

export interface OriginSplit {
  /** Day indexes of training origins, ascending. */
  readonly train: number[];
  /** Day indexes of held-out origins, ascending. */
  readonly test: number[];
}

export function splitOrigins(days: number, options: { holdoutWeeks: number; trainWeeks: number }): OriginSplit {
  const { holdoutWeeks, trainWeeks } = options;
  if (!Number.isInteger(holdoutWeeks) || holdoutWeeks < 1) throw new Error(`holdout_weeks must be an integer >= 1 (got ${holdoutWeeks})`);
  if (!Number.isInteger(trainWeeks) || trainWeeks < 1) throw new Error(`train_weeks must be an integer >= 1 (got ${trainWeeks})`);
  const last = days - 1;
  const test = Array.from({ length: holdoutWeeks }, (_, k) => last - MAX_HORIZON * (holdoutWeeks - k));
  const train: number[] = [];
  for (let origin = (test[0] ?? last) - MAX_HORIZON; origin >= MIN_HISTORY_DAYS - 1 && train.length < trainWeeks; origin -= MAX_HORIZON) {
    train.unshift(origin);
  }
  if (train.length === 0) {
    throw new Error(
      `${days} days of data are too few: the first training origin needs ${MIN_HISTORY_DAYS} days of history, ` +
        `and its ${MAX_HORIZON} target days must end before the ${holdoutWeeks} held-out weeks`,
    );
  }
  return { train, test };
}
