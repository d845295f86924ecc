/**
 * The connector SPI: what every connector implements and what the engine relies on. The vitest
 * contract kit is a separate entry point (`contract-kit.ts`) so that importing the SPI never loads
 * a test runner; `contract-cases.ts` holds its runner-independent cases.
 */
export * from './connector.js';
export * from './capabilities.js';
export * from './per-type-capabilities.js';
export * from './connector-error.js';
export * from './attribute-change.js';
export * from './connector-definition.js';
export * from './connector-load-error.js';
export * from './connector-module-loader.js';
export * from './connector-registry.js';
export * from './guarded-connector.js';
export * from './answer-shapes.js';
export * from './contract-cases.js';
