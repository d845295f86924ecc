import { ScimError } from '../../src/scim/scim-error.js';

/** Runs `fn` and returns the ScimError it throws, or undefined when it returns; anything else thrown fails the test. */
export function scimErrorThrownBy(fn: () => unknown): ScimError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  return undefined;
}

/** Runs `fn` and returns the ScimError it throws; fails the test if it throws nothing or something else. */
export function errorOf(fn: () => unknown): ScimError {
  const error = scimErrorThrownBy(fn);
  if (error === undefined) throw new Error('expected a ScimError');
  return error;
}
