/**
 * Faults the test target injects, each at a rate drawn from a seeded generator (reproducible):
 * latency, 429 with Retry-After, 500, 503 (with or without Retry-After), no answer at all, a reset
 * connection, a write that is applied but answered 500, and a fixed malformed answer.
 */
export type FaultKind =
  'latency' | 'throttle' | 'error500' | 'error503' | 'timeout' | 'reset' | 'lostAnswer' | 'respond';

export interface FaultSpec {
  kind: FaultKind;
  /** Probability per request, 0..1. */
  rate: number;
  /** Only for these methods (upper-case); default all. */
  methods?: readonly string[];
  /** Only for paths starting with this (after the base path), e.g. `/Users`. */
  pathPrefix?: string;
  /** For latency: the delay. */
  latencyMs?: number;
  /** For throttle and error503: the Retry-After seconds to send (none when absent). */
  retryAfterSeconds?: number;
  /** For respond: what to answer instead of handling the request. */
  status?: number;
  body?: string;
  contentType?: string;
}

/** mulberry32: a small seeded generator, so a fault sequence replays exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TargetFaults {
  #specs: FaultSpec[] = [];
  #random: () => number;
  /** Faults injected so far, by kind. */
  readonly injected = new Map<FaultKind, number>();

  constructor(seed = 1) {
    this.#random = mulberry32(seed);
  }

  add(spec: FaultSpec): this {
    this.#specs.push(spec);
    return this;
  }

  clear(): void {
    this.#specs = [];
  }

  reseed(seed: number): void {
    this.#random = mulberry32(seed);
  }

  /** The faults that fire for one request: latency (summed) and at most one other. */
  draw(method: string, path: string): { latencyMs: number; fault?: FaultSpec } {
    let latencyMs = 0;
    let fault: FaultSpec | undefined;
    for (const spec of this.#specs) {
      if (spec.methods !== undefined && !spec.methods.includes(method)) continue;
      if (spec.pathPrefix !== undefined && !path.startsWith(spec.pathPrefix)) continue;
      if (this.#random() >= spec.rate) continue;
      this.injected.set(spec.kind, (this.injected.get(spec.kind) ?? 0) + 1);
      if (spec.kind === 'latency') latencyMs += spec.latencyMs ?? 0;
      else fault ??= spec;
    }
    return fault === undefined ? { latencyMs } : { latencyMs, fault };
  }
}
