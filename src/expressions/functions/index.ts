import type { FunctionSpec } from './function-spec.js';
import { appRoleFunctions } from './app-role-functions.js';
import { dateFunctions } from './date-functions.js';
import { flowFunctions } from './flow-functions.js';
import { logicFunctions } from './logic-functions.js';
import { multiValueFunctions } from './multi-value-functions.js';
import { normalizeDiacriticsFunction } from './normalize-diacritics.js';
import { randomFunctions } from './random-functions.js';
import { replace } from './replace-function.js';
import { selectUniqueValue } from './select-unique-value.js';
import { stringFunctions } from './string-functions.js';

export type { FunctionSpec, ParamSpec, ParamKind, Thunk, Arity, LiteralProblem } from './function-spec.js';
export { ExpressionRuntimeError } from './function-spec.js';

/** Every built-in, in documentation order of its theme. */
export const builtinFunctionList: readonly FunctionSpec[] = [
  ...stringFunctions,
  ...logicFunctions,
  ...multiValueFunctions,
  ...dateFunctions,
  normalizeDiacriticsFunction,
  replace,
  ...randomFunctions,
  ...appRoleFunctions,
  ...flowFunctions,
  selectUniqueValue,
];

/**
 * Built-in functions (and the keywords IgnoreAttributeFlow / IgnoreObjectFlow as nullary
 * functions), keyed by lower-cased name: Entra's function names are matched case-insensitively.
 */
export const builtinFunctions: ReadonlyMap<string, FunctionSpec> = new Map(
  builtinFunctionList.map((spec) => [spec.name.toLowerCase(), spec] as const),
);
