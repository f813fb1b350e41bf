import type { StepDefinition } from '../define-step.js';
import { argmaxLabelStep } from './argmax-label.js';
import { imageStep } from './image.js';
import { moduleStep } from './module.js';
import { scaleStep } from './scale.js';
import { softmaxStep } from './softmax.js';
import { standardizeStep } from './standardize.js';
import { thresholdStep } from './threshold.js';
import { topKStep } from './top-k.js';

/** Every step type a manifest can name, by `type`. */
export const BUILTIN_STEPS: ReadonlyMap<string, StepDefinition> = new Map(
  [standardizeStep, scaleStep, imageStep, softmaxStep, argmaxLabelStep, topKStep, thresholdStep, moduleStep].map(
    (def) => [def.type, def],
  ),
);
