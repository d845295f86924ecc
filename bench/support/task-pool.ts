/**
 * Runs `count` numbered tasks with at most `concurrency` in flight, as the engine's workers do:
 * each worker takes the next number when its task is done. A task that throws stops the run.
 */
export async function runPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}
