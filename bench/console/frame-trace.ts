/**
 * What a page itself costs per frame while it scrolls, from a Chrome trace (CDP Tracing) rather
 * than from requestAnimationFrame intervals, which also count the machine's jitter (a headless,
 * software-rendered Chromium on a shared host misses vsyncs with no script at all).
 *
 * From the trace of the page's renderer main thread (the thread that ran the page's animation
 * frames), during `work`, timed by the thread's CPU clock (the events' `tdur`), so that time the
 * thread spent descheduled on a loaded machine is not counted as the page's:
 * - `longTasks`: main-thread tasks that used more than one frame (16.7 ms) of CPU: each kept the
 *   page from producing the frames it spanned, whatever the compositor did;
 * - `framesBlocked`: those frames, floor(CPU time / 16.7 ms) per long task — the frames the page
 *   dropped by its own work;
 * - `mainBusyMs` and `longestTaskMs`: the thread's CPU time in tasks, total and longest;
 * - `longWallTasks`: tasks over one frame by the wall clock (CPU plus waiting for a core), for
 *   comparison;
 * - `beginFrames` / `droppedFrames`: the compositor's own accounting (BeginFrame and DroppedFrame
 *   timeline events, what DevTools shows), which includes frames lost to raster and display on
 *   a loaded machine, for comparison.
 */
import type { Page } from 'playwright-core';

export const FRAME_MS = 1000 / 60;

export interface FrameTrace {
  readonly beginFrames: number;
  readonly droppedFrames: number;
  readonly longTasks: number;
  readonly longWallTasks: number;
  readonly framesBlocked: number;
  readonly mainBusyMs: number;
  readonly longestTaskMs: number;
  /** What the long tasks spent their time in: the events inside them, by wall time, largest first. */
  readonly longTaskParts: string;
}

interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  /** Thread (CPU) time, where the platform gives it. */
  readonly tdur?: number;
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
];

/** Runs `work` (the scroll) under a trace of `page` and answers its result with the frame figures. */
export async function traceFrames<T>(
  page: Page,
  work: () => Promise<T>,
): Promise<{ result: T; trace: FrameTrace }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (message) => {
    events.push(...(message.value as unknown as TraceEvent[]));
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: CATEGORIES },
  });
  let result: T;
  try {
    result = await work();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  return { result, trace: summarise(events) };
}

function summarise(events: readonly TraceEvent[]): FrameTrace {
  // The page's main thread: the one that ran its animation frames (the rAF-driven scroll).
  const byThread = new Map<string, number>();
  for (const e of events) {
    if (e.name === 'AnimationFrame')
      byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  }
  const main = [...byThread].sort((a, b) => b[1] - a[1])[0]?.[0];
  let longTasks = 0;
  let longWallTasks = 0;
  let framesBlocked = 0;
  let busyUs = 0;
  let longestUs = 0;
  for (const e of events) {
    if (e.name !== 'RunTask' || e.ph !== 'X' || e.dur === undefined || `${e.pid}:${e.tid}` !== main) continue;
    const cpuUs = e.tdur ?? e.dur;
    busyUs += cpuUs;
    longestUs = Math.max(longestUs, cpuUs);
    if (e.dur / 1000 > FRAME_MS) longWallTasks++;
    const ms = cpuUs / 1000;
    if (ms > FRAME_MS) {
      longTasks++;
      framesBlocked += Math.floor(ms / FRAME_MS);
    }
  }
  const long = events.filter(
    (e) =>
      e.name === 'RunTask' &&
      e.ph === 'X' &&
      `${e.pid}:${e.tid}` === main &&
      (e.tdur ?? e.dur ?? 0) / 1000 > FRAME_MS,
  );
  const parts = new Map<string, number>();
  for (const task of long) {
    const end = task.ts + task.dur!;
    for (const e of events) {
      if (e === task || e.ph !== 'X' || e.dur === undefined || `${e.pid}:${e.tid}` !== main) continue;
      if (e.ts < task.ts || e.ts + e.dur > end || e.name === 'RunTask') continue;
      parts.set(e.name, (parts.get(e.name) ?? 0) + e.dur / 1000);
    }
  }
  const longTaskParts = [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
    .join(', ');
  const pid = main === undefined ? undefined : Number(main.split(':')[0]);
  const count = (name: string) => events.filter((e) => e.name === name && e.pid === pid).length;
  return {
    beginFrames: count('BeginFrame'),
    droppedFrames: count('DroppedFrame'),
    longTasks,
    longWallTasks,
    framesBlocked,
    mainBusyMs: busyUs / 1000,
    longestTaskMs: longestUs / 1000,
    longTaskParts,
  };
}

/** One line for the report. */
export function describeTrace(trace: FrameTrace, seconds: number): string {
  return `page's own work: ${trace.framesBlocked} frames blocked by ${trace.longTasks} main-thread tasks over ${FRAME_MS.toFixed(1)} ms of CPU (longest ${trace.longestTaskMs.toFixed(1)} ms, main thread ${((100 * trace.mainBusyMs) / (seconds * 1000)).toFixed(1)}% of a core; ${trace.longWallTasks} over a frame by the wall clock); compositor: ${trace.droppedFrames} of ${trace.beginFrames} frames dropped${trace.longTaskParts !== '' ? `; in the long tasks: ${trace.longTaskParts}` : ''}`;
}
