/**
 * Bounds on what the parser accepts. Mappings are one-liners in practice (Entra's portal caps them
 * too); the bounds keep a pasted megabyte or a pathological `F(F(F(...` from costing the service
 * anything: the parser recurses once per nesting level, so depth also bounds its stack use.
 */
export const ExpressionLimits = {
  /** Characters (UTF-16 code units) in one expression. */
  maxLength: 8192,
  /** Nested function calls, counting the outermost as 1 (a comparison nests only through calls). */
  maxDepth: 64,
} as const;
