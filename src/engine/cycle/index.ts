/** The provisioning engine's cycle: the service every surface uses, and its parts for tests and tools. */
export { createEngineService, AppBusyError } from './create-engine-service.js';
export type { EngineServiceOptions, LoadedApp } from './create-engine-service.js';
export type * from './engine-service.js';
export { systemClock } from './engine-clock.js';
export type { Clock } from './engine-clock.js';
export { DEFAULT_RETRY_POLICY } from './retry-policy.js';
export type { RetryPolicy } from './retry-policy.js';
export { SkipReasons } from './planner.js';
export type { SkipReason } from './planner.js';
