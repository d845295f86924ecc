import { FlowSignal, isFlowSignal } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { defineRaw } from './define-function.js';
import { p } from './define-function.js';
import { isNullOrEmpty } from './coerce.js';

/** Functions and keywords that tell the engine not to write a value: "ignore flow" signals. */

/** IgnoreFlowIfNullOrEmpty(expression): the value, or IgnoreAttributeFlow when it is null or empty. */
export const ignoreFlowIfNullOrEmpty = defineRaw(
  {
    name: 'IgnoreFlowIfNullOrEmpty',
    summary: 'Drops the attribute from the flow when the expression is null or empty.',
    params: [p('expression')],
  },
  ([value]) => {
    if (isFlowSignal(value)) return value;
    return isNullOrEmpty(value) ? FlowSignal.ignoreAttribute : (value ?? null);
  },
);

/** IgnoreAttributeFlow: the keyword (a nullary function here) that leaves the target attribute alone. */
export const ignoreAttributeFlow = defineRaw(
  {
    name: 'IgnoreAttributeFlow',
    summary: 'Tells the engine not to write this target attribute.',
    params: [],
  },
  () => FlowSignal.ignoreAttribute,
);

/** IgnoreObjectFlow: the keyword that tells the engine not to provision the object at all. */
export const ignoreObjectFlow = defineRaw(
  {
    name: 'IgnoreObjectFlow',
    summary: 'Tells the engine not to provision this object.',
    params: [],
  },
  () => FlowSignal.ignoreObject,
);

/** The flow functions, for index.ts. */
export const flowFunctions: readonly FunctionSpec[] = [
  ignoreFlowIfNullOrEmpty,
  ignoreAttributeFlow,
  ignoreObjectFlow,
];
