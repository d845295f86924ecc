/** The SCIM test target: a SCIM application with faults and deviations, and an OAuth token endpoint. */
export * from './scim-target.js';
export * from './target-faults.js';
export * from './target-profile.js';
export * from './token-endpoint.js';
export type { TargetKind } from './target-store.js';
export * from './connector-for.js';
export * from './test-certificates.js';
