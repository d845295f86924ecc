/**
 * Injectable misbehaviour for the in-memory connector, so engine tests can provoke every path of
 * the retry policy on purpose: the next N calls fail with a given code, calls fail at a rate drawn
 * from a seeded generator (reproducible), calls take time, or a write happens but its answer is
 * lost (the case a timeout after a POST leaves the engine in: did it happen or not?).
 */
import { ConnectorError, type ConnectorErrorCode, type OptionalOperation } from '../spi/index.js';

/** Every operation of the connector, required and optional. */
export type MemoryOperation = 'testConnection' | 'create' | OptionalOperation;

/** Which calls a fault applies to; absent means every operation. */
export interface FaultScope {
  operations?: MemoryOperation[];
}

/** A failure to inject. */
export interface FaultSpec extends FaultScope {
  code: ConnectorErrorCode;
  /** For `throttled`: the wait the target asks for. */
  retryAfterMs?: number;
  /** The message of the error; defaults to one naming the fault. */
  message?: string;
}

/** Latency: a fixed delay, or one drawn uniformly between min and max from the seeded generator. */
export type LatencySpec = number | { minMs: number; maxMs: number };

const WRITES: ReadonlySet<MemoryOperation> = new Set([
  'create',
  'createBatch',
  'update',
  'delete',
  'setEnabled',
  'rename',
  'addMembers',
  'removeMembers',
]);

/** The injected faults of one memory target. */
export class MemoryFaults {
  #next: { remaining: number; spec: FaultSpec }[] = [];
  #rate: { rate: number; spec: FaultSpec } | undefined;
  #lost: { remaining: number; scope: FaultScope; code: ConnectorErrorCode }[] = [];
  #latency: LatencySpec = 0;
  #random: () => number;

  constructor(seed = 1) {
    this.#random = mulberry32(seed);
  }

  /** The next `count` calls in scope fail with `spec.code` before doing anything. Queued faults apply in order. */
  failNext(count: number, spec: FaultSpec): this {
    if (count > 0) this.#next.push({ remaining: count, spec });
    return this;
  }

  /** Each call in scope fails with probability `rate` (0..1), drawn from the seeded generator; 0 turns it off. */
  failRate(rate: number, spec: FaultSpec, seed?: number): this {
    if (seed !== undefined) this.#random = mulberry32(seed);
    this.#rate = rate > 0 ? { rate: Math.min(1, rate), spec } : undefined;
    return this;
  }

  /**
   * The next `count` writes in scope take effect, then fail with `code` (default `timeout`) as if the
   * answer never arrived. Only write operations lose answers; reads in scope are not counted.
   */
  loseAnswers(count: number, options: FaultScope & { code?: ConnectorErrorCode } = {}): this {
    if (count > 0) this.#lost.push({ remaining: count, scope: options, code: options.code ?? 'timeout' });
    return this;
  }

  /** Every call waits this long first (abortable through its signal). */
  setLatency(latency: LatencySpec): this {
    this.#latency = latency;
    return this;
  }

  /** Removes every fault and the latency. */
  clear(): this {
    this.#next = [];
    this.#rate = undefined;
    this.#lost = [];
    this.#latency = 0;
    return this;
  }

  /** Whether `before` can neither wait nor throw a fault: nothing is set up (the usual case). */
  get quiet(): boolean {
    return this.#latency === 0 && this.#next.length === 0 && this.#rate === undefined;
  }

  /** Waits for the latency, then throws the fault due for this call, if any. */
  async before(operation: MemoryOperation, signal: AbortSignal): Promise<void> {
    const delay = this.#delay();
    if (delay > 0) await sleep(delay, signal);
    signal.throwIfAborted();
    const queued = this.#next.find((fault) => inScope(fault.spec, operation));
    if (queued !== undefined) {
      queued.remaining -= 1;
      if (queued.remaining === 0) this.#next.splice(this.#next.indexOf(queued), 1);
      throw faultError(queued.spec, operation, 'injected (failNext)');
    }
    if (this.#rate !== undefined && inScope(this.#rate.spec, operation) && this.#random() < this.#rate.rate) {
      throw faultError(this.#rate.spec, operation, 'injected (failRate)');
    }
  }

  /** After a write took effect: throws when its answer is to be lost. */
  after(operation: MemoryOperation): void {
    if (!WRITES.has(operation)) return;
    const lost = this.#lost.find((fault) => inScope(fault.scope, operation));
    if (lost === undefined) return;
    lost.remaining -= 1;
    if (lost.remaining === 0) this.#lost.splice(this.#lost.indexOf(lost), 1);
    throw new ConnectorError(
      lost.code,
      `${operation}: the write took effect but its answer was lost (injected)`,
    );
  }

  #delay(): number {
    const latency = this.#latency;
    if (typeof latency === 'number') return latency;
    return latency.minMs + this.#random() * (latency.maxMs - latency.minMs);
  }
}

function inScope(scope: FaultScope, operation: MemoryOperation): boolean {
  return scope.operations === undefined || scope.operations.includes(operation);
}

function faultError(spec: FaultSpec, operation: MemoryOperation, how: string): ConnectorError {
  const options = spec.retryAfterMs === undefined ? {} : { retryAfterMs: spec.retryAfterMs };
  return new ConnectorError(spec.code, spec.message ?? `${operation}: ${spec.code} ${how}`, options);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A small seeded generator (mulberry32): reproducible fault patterns from a seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
