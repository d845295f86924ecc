import type { FunctionSpec } from './functions/function-spec.js';
import { builtinFunctions } from './functions/index.js';

/**
 * The library compileExpression uses when the caller names none: the built-in functions.
 * (Kept in its own module so the compiler does not depend on how the library is assembled.)
 */
export const defaultFunctions: ReadonlyMap<string, FunctionSpec> = builtinFunctions;
