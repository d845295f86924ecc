/**
 * Runtime values of the mapping-expression language. Entra's functions work on strings, numbers,
 * booleans, multi-valued attributes (arrays) and "no value" (null). Two signals tell the engine
 * not to write: IgnoreAttributeFlow (leave this target attribute alone) and IgnoreObjectFlow (do not
 * provision the object at all).
 */
export type ScalarValue = string | number | boolean | null;
export type ExprValue = ScalarValue | readonly ExprValue[] | FlowSignal;

/** A "do not flow" result: the engine must not write the attribute, or the object. */
export class FlowSignal {
  private constructor(readonly scope: 'attribute' | 'object') {}
  /** IgnoreAttributeFlow / IgnoreFlowIfNullOrEmpty on an empty value. */
  static readonly ignoreAttribute = new FlowSignal('attribute');
  /** IgnoreObjectFlow. */
  static readonly ignoreObject = new FlowSignal('object');
}

/** Whether a value is IgnoreAttributeFlow or IgnoreObjectFlow. */
export function isFlowSignal(value: unknown): value is FlowSignal {
  // The typeof test first: most values are strings, and it is cheaper than instanceof on them.
  return typeof value === 'object' && value instanceof FlowSignal;
}

/** Attribute values an expression reads: `[givenName]` looks up `givenName` case-insensitively. */
export type SourceAttributes = Readonly<Record<string, unknown>>;

/** One app role assignment, as the AppRoleAssignment* functions read it. */
export interface AppRoleAssignment {
  readonly id: string;
  readonly displayName: string;
  readonly value: string;
  readonly principalId?: string;
}

/**
 * Everything an evaluation takes from the outside world, so results are reproducible in tests:
 * the clock, randomness, and the target's answer to "is this value taken?".
 */
export interface EvaluationContext {
  /** Current time (Now, DateAdd defaults). */
  now(): Date;
  /** Uniform in [0, 1) (RandomString, Guid). */
  random(): number;
  /**
   * SelectUniqueValue asks the target whether a candidate already exists. May answer synchronously
   * (tests, the CLI's --taken) or asynchronously (a connector lookup).
   */
  isValueTaken?(candidate: string, targetAttribute: string | undefined): boolean | Promise<boolean>;
  /** The user's app role assignments (AppRoleAssignmentsComplex, SingleAppRoleAssignment). */
  appRoleAssignments?: readonly AppRoleAssignment[];
}
