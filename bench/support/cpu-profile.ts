/**
 * A CPU profile of one timed step, through an inspector session in this process, so the profile
 * holds that step alone and not the seeding before it. Off unless `CPU_PROFILE` names a file; the
 * file opens in Chrome's DevTools (Performance tab) or any .cpuprofile viewer.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function profiled<T>(step: () => Promise<T>): Promise<T> {
  const file = process.env.CPU_PROFILE;
  if (file === undefined || file === '') return step();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 200 µs between samples: fine enough for a step of a few seconds, small enough a file.
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await step();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
