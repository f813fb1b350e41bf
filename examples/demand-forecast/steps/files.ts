/** File names inside the step artifacts that more than one step reads. */
export const METRICS_FILE = 'metrics.json';
export const EVALUATION_FILE = 'evaluation.json';
export const FORECASTS_FILE = 'forecasts.csv';
export const FORECAST_SUMMARY_FILE = 'summary.json';
