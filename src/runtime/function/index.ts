export {
  defineFunctionModel,
  type FunctionModelDefinition,
  type FunctionRunContext,
  type FunctionSignature,
} from './define.js';
export { createFunctionModel } from './function-model.js';
export { loadFunctionModel, type LoadFunctionModelOptions } from './load.js';
