/** Attribute mappings: compile an object mapping once, map objects, diff and hash the results. */
export { compileObjectMapping } from './object-mapping.js';
export type {
  AttributeMappingConfig,
  ObjectMappingConfig,
  CompileMappingOptions,
  CompileMappingResult,
  CompiledObjectMapping,
  MapObjectOptions,
  MappingOperation,
  MappedObject,
  MatchingValue,
} from './object-mapping.js';
export { diffTargetObjects, hashTargetObject, canonicalJson } from './diff-target-objects.js';
export type { AttributeChange, DiffOptions } from './diff-target-objects.js';
export { compileTargetPath, writeTargetValue } from './target-path.js';
export type { TargetPath } from './target-path.js';
export { entraDefaultUserMapping, entraDefaultGroupMapping } from './entra-default-mapping.js';
