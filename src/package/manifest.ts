import { z } from 'zod';
import { DTYPES } from '../tensor/tensor.js';

/**
 * `mlpatterns.model.yaml`: the manifest that sits beside `model.onnx` in a model
 * package. Types are inferred from this schema; `loadPackage` validates it once.
 */
export const MANIFEST_FILE = 'mlpatterns.model.yaml';

export const MODEL_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Names used as object keys must not be Object.prototype's (`__proto__`, `constructor`, …). */
const notPrototypeKey = (name: string): boolean => !(name in Object.prototype) && name !== 'prototype';

export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(DTYPES),
  /** Dimensions; -1 marks a dynamic one (usually the batch). */
  shape: z.array(z.number().int().min(-1)),
});

export const signatureSchema = z.object({
  /** Inputs as the client sends them (after pre-processing they must match the model's). */
  inputs: z.array(tensorSpecSchema).min(1).optional(),
  /** Outputs this signature returns, by name; their specs come from the model. */
  outputs: z.array(z.string().min(1)).min(1),
  /** Marks the signature used when a request names none. @default first signature */
  default: z.boolean().optional(),
});

/** A processing step: `type` picks the built-in (or `module`), the rest are its options. */
export const stepSchema = z.looseObject({ type: z.string().min(1) });

export const manifestSchema = z.object({
  name: z.string().regex(MODEL_NAME_PATTERN, 'use letters, digits, ".", "_" and "-"').refine(notPrototypeKey, 'reserved name'),
  /** Free-form version label of the package (the registry assigns its own version numbers). */
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  /** @default "onnx" */
  runtime: z.enum(['onnx', 'function']).default('onnx'),
  /** Model file (onnx) or module (function), relative to the package folder. @default "model.onnx" */
  model: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Class labels, index order: a list, or a path to a JSON file (list or {"0": "setosa", ...}). */
  labels: z.union([z.array(z.string()), z.string()]).optional(),
  /** Named signatures. When absent they are inferred from the model. */
  signatures: z.record(z.string().regex(MODEL_NAME_PATTERN).refine(notPrototypeKey, 'reserved name'), signatureSchema).optional(),
  preprocess: z.array(stepSchema).default([]),
  postprocess: z.array(stepSchema).default([]),
  /** A sample request body, shown by /metadata and used by smoke tests. */
  sample: z.object({ instances: z.array(z.unknown()).min(1) }).optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  /** Training baseline statistics (for drift monitoring), free-form per feature. */
  baseline: z.record(z.string(), z.unknown()).optional(),
  /** Lineage: where this model came from. */
  source: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  dataset: z.string().optional(),
});

export type ManifestInput = z.input<typeof manifestSchema>;
export type Manifest = z.output<typeof manifestSchema>;
export type ProcessingStepConfig = z.output<typeof stepSchema>;
