/**
 * Evaluation metrics for continued model evaluation (predictions joined with delayed feedback):
 * classification accuracy, per-class / macro / weighted precision, recall and F1, the confusion
 * matrix; regression MAE, RMSE and MAPE. Definitions follow scikit-learn, including its choice of
 * 0 (not NaN) for a precision or recall whose denominator is empty (`zero_division=0`).
 */

export type Label = string | number | boolean;

function checkPairs(name: string, truth: readonly unknown[], predicted: readonly unknown[]): void {
  if (truth.length !== predicted.length || truth.length === 0) {
    throw new RangeError(`${name} needs two equal, non-empty lists (${truth.length} vs ${predicted.length})`);
  }
}

/** Share of rows whose prediction equals the truth. */
export function accuracy(truth: readonly Label[], predicted: readonly Label[]): number {
  checkPairs('accuracy', truth, predicted);
  return truth.filter((label, i) => label === predicted[i]).length / truth.length;
}

export interface ConfusionMatrix {
  /** Row/column order: every label seen in truth or predictions, sorted. */
  labels: Label[];
  /** matrix[i][j] = rows whose truth is labels[i] and prediction labels[j]. */
  matrix: number[][];
}

function sortLabels(labels: Iterable<Label>): Label[] {
  return [...labels].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

export function confusionMatrix(truth: readonly Label[], predicted: readonly Label[]): ConfusionMatrix {
  checkPairs('confusionMatrix', truth, predicted);
  const labels = sortLabels(new Set([...truth, ...predicted]));
  const index = new Map(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  truth.forEach((label, i) => {
    const row = matrix[index.get(label) as number] as number[];
    const col = index.get(predicted[i] as Label) as number;
    row[col] = (row[col] as number) + 1;
  });
  return { labels, matrix };
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose truth is this class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  perClass: Map<Label, ClassScores>;
  /** Unweighted mean over classes. */
  macro: Omit<ClassScores, 'support'>;
  /** Mean over classes weighted by support. */
  weighted: Omit<ClassScores, 'support'>;
  confusion: ConfusionMatrix;
  total: number;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/**
 * Accuracy, per-class precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R), their macro and
 * support-weighted means (as scikit-learn's `classification_report`), and the confusion matrix.
 * Classes come from both truth and predictions, so a class the model invents still counts (with recall 0 support).
 */
export function classificationReport(truth: readonly Label[], predicted: readonly Label[]): ClassificationReport {
  const confusion = confusionMatrix(truth, predicted);
  const { labels, matrix } = confusion;
  const perClass = new Map<Label, ClassScores>();
  labels.forEach((label, k) => {
    const tp = (matrix[k] as number[])[k] as number;
    const support = (matrix[k] as number[]).reduce((s, x) => s + x, 0);
    const predictedCount = matrix.reduce((s, row) => s + (row[k] as number), 0);
    const precision = ratio(tp, predictedCount);
    const recall = ratio(tp, support);
    perClass.set(label, { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support });
  });
  const scores = [...perClass.values()];
  const mean = (pick: (s: ClassScores) => number, weight: (s: ClassScores) => number): number => {
    const totalWeight = scores.reduce((s, c) => s + weight(c), 0);
    return ratio(scores.reduce((s, c) => s + pick(c) * weight(c), 0), totalWeight);
  };
  const aggregate = (weight: (s: ClassScores) => number): Omit<ClassScores, 'support'> => ({
    precision: mean((s) => s.precision, weight),
    recall: mean((s) => s.recall, weight),
    f1: mean((s) => s.f1, weight),
  });
  return {
    accuracy: accuracy(truth, predicted),
    perClass,
    macro: aggregate(() => 1),
    weighted: aggregate((s) => s.support),
    confusion,
    total: truth.length,
  };
}

export interface RegressionReport {
  /** Mean absolute error: Σ|y − ŷ| / n. */
  mae: number;
  /** Root mean squared error: √(Σ(y − ŷ)² / n). */
  rmse: number;
  /** Mean absolute percentage error, as a fraction (0.05 = 5%), over rows whose actual is non-zero; NaN if none. */
  mape: number;
  /** Rows left out of MAPE because the actual value was 0 (the percentage is undefined there). */
  mapeSkippedZeroActuals: number;
  count: number;
}

export function regressionReport(actual: readonly number[], predicted: readonly number[]): RegressionReport {
  checkPairs('regressionReport', actual, predicted);
  let absSum = 0;
  let sqSum = 0;
  let pctSum = 0;
  let pctCount = 0;
  actual.forEach((y, i) => {
    const error = y - (predicted[i] as number);
    absSum += Math.abs(error);
    sqSum += error * error;
    if (y !== 0) {
      pctSum += Math.abs(error / y);
      pctCount++;
    }
  });
  const n = actual.length;
  return { mae: absSum / n, rmse: Math.sqrt(sqSum / n), mape: pctCount === 0 ? NaN : pctSum / pctCount, mapeSkippedZeroActuals: n - pctCount, count: n };
}
