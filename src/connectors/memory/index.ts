/** The in-memory reference connector: a fake target with faults, counters, seeding and inspection. */
export * from './memory-connector.js';
export * from './memory-definition.js';
export * from './memory-faults.js';
export type { SeedObject } from './memory-store.js';
