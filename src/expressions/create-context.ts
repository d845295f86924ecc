import type { AppRoleAssignment, EvaluationContext } from './value.js';

/** What a deterministic evaluation context is made from. */
export interface ContextOptions {
  /** The clock's fixed time; defaults to 1970-01-01T00:00:00Z so unconfigured runs still repeat. */
  readonly now?: Date;
  /** Seed of the pseudo-random sequence (Guid, RandomString); defaults to 1. */
  readonly seed?: number;
  /** Values already present in the target, for SelectUniqueValue (compared case-insensitively). */
  readonly taken?: readonly string[];
  /** The object's app role assignments, for AppRoleAssignmentsComplex and SingleAppRoleAssignment. */
  readonly appRoleAssignments?: readonly AppRoleAssignment[];
}

/**
 * An evaluation context whose clock stands still and whose randomness is a seeded sequence, so the
 * same expression, attributes and options always give the same result (tests, `provisio expr`,
 * previews in the admin UI).
 *
 * The generator is mulberry32: 32 bits of state, one multiply-xorshift round per number, full period
 * 2^32 and good enough statistics for generated passwords and GUIDs in previews. Cryptographic
 * strength is deliberately not the point here: reproducibility is, and Math.random cannot be seeded.
 * A production engine that needs unguessable values supplies its own `random`.
 */
export function createEvaluationContext(options: ContextOptions = {}): EvaluationContext {
  const time = options.now ? options.now.getTime() : 0;
  let state = (options.seed ?? 1) >>> 0;
  const taken = new Set((options.taken ?? []).map((value) => value.toLowerCase()));
  const context: EvaluationContext = {
    // A fresh Date per call: a caller mutating it must not move the clock.
    now: () => new Date(time),
    random: () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    isValueTaken: (candidate) => taken.has(candidate.toLowerCase()),
    ...(options.appRoleAssignments ? { appRoleAssignments: options.appRoleAssignments } : {}),
  };
  return context;
}
