export { artifactKey, Registry } from './registry.js';
export {
  assertAlias,
  assertModelName,
  DEFAULT_ALIAS,
  formatReference,
  isValidAlias,
  parseReference,
  type ModelReference,
} from './reference.js';
export type { ModelValidator, RegisterOptions, RegisteredVersion, ResolvedVersion, ValidatedInfo } from './types.js';
