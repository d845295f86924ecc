/**
 * SCIM test targets for one test file, each started when a test asks for it and all closed after
 * the file's tests (vitest's afterAll; apart from index.ts, which loads no test runner).
 */
import { afterAll } from 'vitest';
import { startScimTarget, type ScimTarget, type ScimTargetOptions } from './scim-target.js';

export function scimTargetsForFile(): (options?: ScimTargetOptions) => Promise<ScimTarget> {
  const targets: ScimTarget[] = [];
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });
  return async (options = {}) => {
    const target = await startScimTarget(options);
    targets.push(target);
    return target;
  };
}
