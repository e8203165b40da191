export { hostRuntime, type HostRuntime, type RuntimeFile } from './host-runtime.js';
export { buildScratchImage, type ImageFile, type ImageRecipe } from './build.js';
export { buildModelImage, ModelImageError, type ModelImage, type ModelImageErrorCode } from './model.js';
