/** The source side of the engine: directory objects as mappings and scoping filters read them. */
export type {
  SourceKind,
  SourceContext,
  SourceObject,
  SourceReference,
  SourceValue,
} from './source-object.js';
export { sourceReference, isSourceReference, plainSourceValue } from './source-object.js';
export { entraAliases, findEntraAlias, entraAliasNames } from './entra-aliases.js';
export type { EntraAlias, AliasSource, SpecialAlias } from './entra-aliases.js';
export { compileSourceReader, knownSourceNames } from './source-reader.js';
export type { SourceReader, SourceSchemaOptions } from './source-reader.js';
export { formatConfigIssue, SourceNameError } from './config-issue.js';
export type { ConfigIssue } from './config-issue.js';
