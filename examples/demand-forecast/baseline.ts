/**
 * The seasonal-naive baseline and the comparison the gate reads. Seasonal naive forecasts a
 * day with the visitors of the same weekday one week earlier, which is known at every origin
 * for horizons 1..7: the forecast a store manager gets for free, so a model must beat it to
 * be worth serving.
 */
/** Visitors of the same weekday the week before `target` (a day index into the store's series). */
export function seasonalNaive(series: Float64Array, target: number): number {
  const value = series[target - 7];
  if (value === undefined) throw new Error(`no visitors a week before day index ${target} (the series has ${series.length} days)`);
  return value;
}

export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length) throw new Error(`${actual.length} actuals but ${predicted.length} predictions`);
  if (actual.length === 0) throw new Error('no rows to compute an MAE over');
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs((actual[i] ?? Number.NaN) - (predicted[i] ?? Number.NaN));
    if (!Number.isFinite(error)) throw new Error(`row ${i}: actual or prediction is not a finite number`);
    total += error;
  }
  return total / actual.length;
}

export interface ForecastComparison {
  /** MAE of the model on the held-out rows (visitors per store-day). */
  readonly mae: number;
  /** MAE of seasonal naive on the same rows. */
  readonly seasonal_naive_mae: number;
  /** 1 - mae / seasonal_naive_mae: the share of the baseline's error the model removes. */
  readonly improvement: number;
  readonly rows: number;
}

/** The model's forecasts against seasonal naive's, on the same held-out rows. */
export function compareWithBaseline(actual: ArrayLike<number>, model: ArrayLike<number>, naive: ArrayLike<number>): ForecastComparison {
  const mae = meanAbsoluteError(actual, model);
  const naiveMae = meanAbsoluteError(actual, naive);
  return { mae, seasonal_naive_mae: naiveMae, improvement: naiveMae === 0 ? 0 : 1 - mae / naiveMae, rows: actual.length };
}
