/**
 * onnxruntime's messages can run to pages (a dump of the offending node, "Please
 * fix either the inputs/outputs or the model."); error responses and logs get the
 * first part, on one line. The full error stays on `cause`.
 */
const MAX_REASON_LENGTH = 300;

export function ortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const oneLine = message
    .replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*/, '')
    .replace(/\s*Please fix either the inputs\/outputs or the model\.?/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length > MAX_REASON_LENGTH ? `${oneLine.slice(0, MAX_REASON_LENGTH - 1)}…` : oneLine;
}
