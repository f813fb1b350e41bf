/**
 * The one registry of error codes. Every error the HTTP API or the CLI reports
 * carries one of these codes; `docs/errors.md` lists the same table and a test
 * keeps the two in sync. Codes are stable: never rename one, add a new one.
 * Message templates use `{name}` placeholders filled from the error's params.
 */
export const ERROR_CODES = {
  // --- request shape -------------------------------------------------------
  INVALID_JSON: { status: 400, message: 'Request body is not valid JSON: {reason}' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Unsupported content type {contentType}: send application/json (or application/octet-stream with Inference-Header-Content-Length)',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body exceeds the limit of {limit} bytes' },
  INVALID_REQUEST: { status: 400, message: 'Invalid request: {reason}' },
  MISSING_FIELD: { status: 400, message: 'Request is missing the required field "{field}"' },
  EMPTY_BATCH: { status: 400, message: 'The batch is empty: send at least one instance' },
  KEYS_LENGTH_MISMATCH: {
    status: 400,
    message: '"keys" has {keys} entries but the batch has {instances} instances',
  },
  INVALID_BINARY_PAYLOAD: { status: 400, message: 'Invalid binary tensor payload: {reason}' },
  // --- tensors against a signature ----------------------------------------
  UNKNOWN_INPUT: { status: 400, message: 'Unknown input "{input}"; the signature takes: {expected}' },
  MISSING_INPUT: { status: 400, message: 'Missing input "{input}"' },
  UNKNOWN_OUTPUT: { status: 400, message: 'Unknown output "{output}"; the model returns: {expected}' },
  INVALID_SHAPE: { status: 400, message: 'Input "{input}": {reason}' },
  INVALID_DTYPE: { status: 400, message: 'Input "{input}": {reason}' },
  NON_FINITE_NUMBER: {
    status: 400,
    message: 'Input "{input}" contains a non-finite number (NaN or Infinity) at element {index}',
  },
  UNKNOWN_SIGNATURE: {
    status: 400,
    message: 'Unknown signature "{signature}"; the model has: {expected}',
  },
  // --- models and registry -------------------------------------------------
  INVALID_MODEL_NAME: {
    status: 400,
    message: 'Invalid model name "{name}": use letters, digits, ".", "_" and "-" (1-128 characters, not starting with "." or "-")',
  },
  INVALID_REFERENCE: {
    status: 400,
    message: 'Invalid model reference "{ref}": use name, name@alias or name:version',
  },
  MODEL_NOT_FOUND: { status: 404, message: 'Model "{name}" not found' },
  VERSION_NOT_FOUND: { status: 404, message: 'Model "{name}" has no version "{version}"' },
  ALIAS_NOT_FOUND: { status: 404, message: 'Model "{name}" has no alias "{alias}"' },
  INVALID_MODEL_FILE: { status: 400, message: 'Cannot load model from {path}: {reason}' },
  INVALID_MANIFEST: { status: 400, message: 'Invalid model manifest {path}: {reason}' },
  MODEL_NOT_READY: { status: 503, message: 'Model "{name}" is not ready' },
  // --- services (pattern graphs) -----------------------------------------
  SERVICE_NOT_FOUND: { status: 404, message: 'Service "{name}" not found' },
  BRANCH_FAILED: { status: 502, message: 'Service "{service}": branch "{branch}" failed: {reason}' },
  BRANCH_TIMEOUT: { status: 504, message: 'Service "{service}": branch "{branch}" did not answer within {timeoutMs} ms' },
  REMOTE_UNAVAILABLE: { status: 503, message: 'Remote {target} is unavailable ({reason})' },
  GRAPH_OUTPUT_INVALID: { status: 500, message: 'Service "{service}": {node} cannot use its input: {reason}' },
  JOB_NOT_FOUND: { status: 404, message: 'Job "{id}" not found (unknown, or finished longer ago than the store keeps jobs)' },
  JOB_STORE_FULL: { status: 503, message: 'Too many unfinished jobs ({maxJobs}); retry later' },
  CACHE_KEY_MISSING: { status: 400, message: 'Service "{service}": instance {instance} has no "{key}", the data id its cache ({node}) is keyed by' },
  LOOKUP_KEY_MISSING: { status: 400, message: 'Service "{service}": instance {instance} has no "{key}", the key its batch-results lookup ({node}) reads' },
  // --- job queue (docs/jobs-queue.md) -------------------------------------
  JOB_LEASE_EXPIRED: {
    status: 500,
    message: 'Job "{id}": its worker stopped renewing the lease (crashed or stalled) on attempt {attempts} of {maxAttempts}',
  },
  JOB_HANDLER_FAILED: { status: 500, message: 'Job handler failed: {reason}' },
  // --- job API and workers (docs/jobs.md) ---------------------------------
  JOB_FINISHED: { status: 409, message: 'Job "{id}" has already finished ({status}) and cannot be cancelled' },
  JOB_NOT_CANCELLABLE: { status: 409, message: 'Job "{id}" is the slow stage of a multistage request; it runs inside the server and cannot be cancelled' },
  JOB_TIMEOUT: { status: 504, message: 'Job "{id}": the attempt ran longer than {timeoutMs} ms' },
  JOB_KIND_UNKNOWN: { status: 500, message: 'Job "{id}": this worker has no handler for jobs named "{name}" (known: {known})' },
  // --- routes and server ---------------------------------------------------
  ROUTE_NOT_FOUND: { status: 404, message: 'No route {method} {url}' },
  UNAUTHORIZED: { status: 401, message: 'Missing or invalid admin token' },
  SHUTTING_DOWN: { status: 503, message: 'Server is shutting down' },
  OVERLOADED: { status: 503, message: 'Model "{name}" is overloaded ({reason}); retry after {retryAfter} s' },
  DEADLINE_EXCEEDED: { status: 504, message: 'Request to model "{name}" exceeded its deadline of {deadlineMs} ms while {stage}' },
  INFERENCE_FAILED: { status: 500, message: 'Inference failed for model "{name}": {reason}' },
  INTERNAL: { status: 500, message: 'Internal error: {reason}' },
  // --- configuration and CLI ----------------------------------------------
  CONFIG_INVALID: { status: 400, message: 'Invalid configuration {path}:\n{problems}' },
  STORE_UNAVAILABLE: { status: 503, message: 'Storage backend unavailable: {reason}' },
  PREDICTION_LOG_DISABLED: { status: 503, message: 'The prediction log is off on this server (logging.predictions.store is "none")' },
  PREDICTION_NOT_FOUND: { status: 404, message: 'No logged prediction for {target}: feedback joins a prediction in the prediction log' },
  FEEDBACK_CONFLICT: { status: 409, message: 'Feedback {feedbackId} for {target} already holds a different payload: feedback is written once' },
  // --- trainers (docs/trainers.md) ----------------------------------------
  INVALID_TRAINING_DATA: { status: 400, message: 'Invalid training data: {reason}' },
  // --- training pipelines (docs/training-pipelines.md) --------------------
  PIPELINE_INVALID: { status: 400, message: 'Invalid pipeline {path}:\n{problems}' },
  TRAINING_RUN_NOT_FOUND: { status: 404, message: 'Training run "{id}" not found' },
  STEP_NO_OUTPUT: { status: 500, message: 'Step "{step}" wrote no output "{output}" (its folder was left empty)' },
  STEP_COMMAND_FAILED: { status: 500, message: 'Step "{step}": command {command} {outcome}{stderr}' },
  STEP_PROCESS_FAILED: { status: 500, message: 'Step "{step}": its process {outcome} before the step finished{stderr}' },
  STEP_TIMEOUT: { status: 500, message: 'Step "{step}" ran longer than its timeout of {timeoutMs} ms' },
  // --- data sources and gates (docs/data-sources.md, docs/pipeline-builtins.md) ---
  DATA_SOURCE_NOT_FOUND: { status: 404, message: 'Data source {source} not found: {reason}' },
  DATA_SOURCE_UNSUPPORTED: { status: 400, message: 'Unsupported data source "{source}": {reason}' },
  DATA_SOURCE_UNAVAILABLE: { status: 503, message: 'Data source {source} is unavailable: {reason}' },
  DATA_SOURCE_QUERY_FAILED: { status: 400, message: 'Query on data source {source} failed: {reason}' },
  DATA_SOURCE_INVALID: { status: 400, message: 'Data source {source}, row {row}: {reason}' },
  GATE_INVALID: { status: 400, message: 'Invalid gate rule "{rule}": {reason}' },
  STEP_INPUT_INVALID: { status: 400, message: 'Step "{step}": input "{input}" {reason}' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
