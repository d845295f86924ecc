import type { Backend } from './test-databases.js';
export function sqlBehaviourSuite(_backend: Backend): void {}
