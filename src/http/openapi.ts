/**
 * The OpenAPI document of the HTTP API, written by hand so that it describes
 * the public contract (architecture.md) rather than whatever the routes
 * happen to validate. Served at /openapi.json and rendered at /docs.
 */
const errorBody = {
  type: 'object',
  required: ['error', 'code'],
  properties: { error: { type: 'string' }, code: { type: 'string', description: 'Stable code, see docs/errors.md' } },
};

const errorResponses = {
  '400': { description: 'Bad input', content: { 'application/json': { schema: errorBody } } },
  '404': { description: 'Unknown model, version or route', content: { 'application/json': { schema: errorBody } } },
  '413': { description: 'Body too large', content: { 'application/json': { schema: errorBody } } },
  '415': { description: 'Unsupported content type', content: { 'application/json': { schema: errorBody } } },
};

const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** A job as GET /v1/jobs/{id} shows it (docs/jobs.md). */
const jobSchema = {
  type: 'object',
  required: ['job_id', 'status', 'created_at'],
  properties: {
    job_id: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] },
    service: { type: 'string' },
    key: { type: 'string' },
    request_id: { type: 'string' },
    attempts: { type: 'integer', description: 'Attempts started (absent for multistage jobs)' },
    max_attempts: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    started_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time' },
    result: { type: 'object', description: 'As a predict answer: predictions, labels?, keys?, extras, service, request_id' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    callback_url: { type: 'string' },
  },
};

const oipTensor = {
  type: 'object',
  required: ['name', 'datatype', 'shape'],
  properties: {
    name: { type: 'string' },
    datatype: { type: 'string', enum: ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] },
    shape: { type: 'array', items: { type: 'integer' } },
    data: { description: 'Flat or nested array in row-major order' },
    parameters: { type: 'object' },
  },
};

const inferPath = (withVersion: boolean) => ({
  post: {
    tags: ['Open Inference Protocol v2'],
    summary: 'Infer (JSON tensors or the binary tensor extension)',
    parameters: withVersion ? [nameParam, versionParam] : [nameParam],
    requestBody: {
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['inputs'],
            properties: {
              id: { type: 'string' },
              parameters: { type: 'object' },
              inputs: { type: 'array', items: oipTensor },
              outputs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, parameters: { type: 'object' } } } },
            },
          },
        },
        'application/octet-stream': {
          schema: { type: 'string', format: 'binary', description: 'JSON header of Inference-Header-Content-Length bytes, then raw tensors' },
        },
      },
    },
    responses: {
      '200': {
        description: 'Outputs',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { model_name: { type: 'string' }, model_version: { type: 'string' }, id: { type: 'string' }, outputs: { type: 'array', items: oipTensor } },
            },
          },
        },
      },
      ...errorResponses,
    },
  },
});

export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'mlpatterns',
    version: '0.1.0',
    description: 'Model serving: Open Inference Protocol v2 and a friendly JSON API. Every error is {"error", "code"}.',
  },
  paths: {
    '/v1/models': { get: { tags: ['Friendly JSON'], summary: 'Served models', responses: { '200': { description: 'Models' } } } },
    '/v1/services': { get: { tags: ['Services'], summary: 'Served services with the health of their models', responses: { '200': { description: 'Services' } } } },
    '/v1/services/{name}': {
      get: {
        tags: ['Services'],
        summary: 'A service: its pattern graph and the health of the models it uses',
        parameters: [nameParam],
        responses: { '200': { description: 'Graph and health' }, ...errorResponses },
      },
    },
    '/v1/services/{name}/predict': {
      post: {
        tags: ['Services'],
        summary: 'Run a service graph on a batch of instances (partial: true and failed name branches left out; job_id names a multistage job)',
        parameters: [nameParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['instances'] }, example: { instances: [[5.1, 3.5, 1.4, 0.2]] } } },
        },
        responses: { '200': { description: 'Predictions' }, ...errorResponses },
      },
    },
    '/v1/services/{name}/jobs': {
      post: {
        tags: ['Jobs'],
        summary: 'Submit an asynchronous predict: the job runs on a worker (mlpatterns worker, serve --workers-inline); see docs/jobs.md',
        parameters: [nameParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['instances'],
                properties: {
                  instances: { type: 'array' },
                  keys: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
                  key: { type: 'string', maxLength: 256, description: 'Idempotency key: the same key (per service) answers 200 with the existing job' },
                  callback_url: { type: 'string', format: 'uri', description: 'http(s) URL the finished job is POSTed to' },
                },
              },
              example: { instances: [[5.1, 3.5, 1.4, 0.2]], key: 'order-17' },
            },
          },
        },
        responses: {
          '202': {
            description: 'Queued; Location: /v1/jobs/{id}',
            content: { 'application/json': { schema: { type: 'object', properties: { job_id: { type: 'string' }, status: { type: 'string', enum: ['queued'] } } } } },
          },
          '200': { description: 'The key was used before: the existing job', content: { 'application/json': { schema: jobSchema } } },
          ...errorResponses,
        },
      },
    },
    '/v1/jobs/{id}': {
      get: {
        tags: ['Jobs'],
        summary: 'A job: a submitted one, or the later answer of a multistage service (job_id of its predict answer)',
        parameters: [idParam],
        responses: { '200': { description: 'The job; result when succeeded, error when failed', content: { 'application/json': { schema: jobSchema } } }, ...errorResponses },
      },
      delete: {
        tags: ['Jobs'],
        summary: 'Cancel a queued or running job (409 JOB_FINISHED once finished)',
        parameters: [idParam],
        responses: {
          '200': { description: 'The cancelled job', content: { 'application/json': { schema: jobSchema } } },
          '409': { description: 'Finished, or a multistage job', content: { 'application/json': { schema: errorBody } } },
          ...errorResponses,
        },
      },
    },
    '/v1/jobs/{id}/events': {
      get: {
        tags: ['Jobs'],
        summary: 'Server-Sent Events: `event: status` with the job on every change; ends after a final status',
        parameters: [idParam],
        responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errorResponses },
      },
    },
    '/v1/models/{name}/metadata': {
      get: {
        tags: ['Friendly JSON'],
        summary: 'What the model takes and answers (types, structure, sample)',
        parameters: [nameParam],
        responses: { '200': { description: 'Metadata' }, ...errorResponses },
      },
    },
    '/v1/models/{name}/predict': {
      post: {
        tags: ['Friendly JSON'],
        summary: 'Predict a batch of instances',
        parameters: [nameParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['instances'],
                properties: {
                  instances: { type: 'array', minItems: 1, items: {} },
                  keys: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] }, description: 'One per instance, echoed back' },
                  signature: { type: 'string' },
                },
              },
              example: { instances: [[5.1, 3.5, 1.4, 0.2]], keys: ['a'] },
            },
          },
        },
        responses: {
          '200': {
            description: 'Predictions',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    predictions: { type: 'array', items: {} },
                    labels: { type: 'array', items: { type: 'string' } },
                    keys: { type: 'array', items: {} },
                    model: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } } },
                    request_id: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    '/health': { get: { tags: ['Web single'], summary: 'Health', responses: { '200': { description: 'OK' } } } },
    '/metadata': { get: { tags: ['Web single'], summary: 'Metadata of the (first) served model', responses: { '200': { description: 'OK' } } } },
    '/predict': { post: { tags: ['Web single'], summary: 'Predict with the (first) served model', responses: { '200': { description: 'OK' } } } },
    '/v2': { get: { tags: ['Open Inference Protocol v2'], summary: 'Server metadata', responses: { '200': { description: 'OK' } } } },
    '/v2/health/live': { get: { tags: ['Open Inference Protocol v2'], summary: 'Liveness', responses: { '200': { description: 'Live' } } } },
    '/v2/health/ready': { get: { tags: ['Open Inference Protocol v2'], summary: 'Readiness', responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } } } },
    '/v2/models/{name}': { get: { tags: ['Open Inference Protocol v2'], summary: 'Model metadata', parameters: [nameParam], responses: { '200': { description: 'OK' }, ...errorResponses } } },
    '/v2/models/{name}/ready': { get: { tags: ['Open Inference Protocol v2'], summary: 'Model readiness', parameters: [nameParam], responses: { '200': { description: 'OK' } } } },
    '/v2/models/{name}/infer': inferPath(false),
    '/v2/models/{name}/versions/{version}': { get: { tags: ['Open Inference Protocol v2'], summary: 'Model version metadata', parameters: [nameParam, versionParam], responses: { '200': { description: 'OK' }, ...errorResponses } } },
    '/v2/models/{name}/versions/{version}/ready': { get: { tags: ['Open Inference Protocol v2'], summary: 'Model version readiness', parameters: [nameParam, versionParam], responses: { '200': { description: 'OK' } } } },
    '/v2/models/{name}/versions/{version}/infer': inferPath(true),
    '/metrics': { get: { tags: ['Operations'], summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format' } } } },
  },
} as const;
