import { ScimError } from '../../src/scim/scim-error.js';

/** Runs `fn` and returns the ScimError it throws; fails the test if it throws nothing or something else. */
export function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}
