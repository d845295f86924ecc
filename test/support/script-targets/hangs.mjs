// Never answers; writes its pid so a test can check it was killed. Ignores SIGTERM when asked.
import process from 'node:process';
import { writeFileSync } from 'node:fs';
import { setInterval } from 'node:timers';
if (process.argv[3] === 'ignore-term') process.on('SIGTERM', () => undefined);
writeFileSync(process.argv[2], String(process.pid));
setInterval(() => undefined, 1000);
