import type { IModelProto } from '../proto.js';
import type { UniqueNames } from '../unique-names.js';

/**
 * One load-time rewrite of a decoded model. It edits `model` in place and returns
 * one human-readable line per change (empty when it changed nothing), for logs.
 */
export type GraphRewrite = (model: IModelProto, names: UniqueNames) => string[];
