/**
 * The SCIM test target in a process of its own, so that the benchmark's peak RSS is the engine's
 * (directory, state, connector) and not the target's store and request log. Started with
 * `fork(..., { execArgv: ['--import', 'tsx'] })`; it sends `{ url }` once listening and answers
 * `stats` with what it holds and the requests it received by method.
 */
import { startScimTarget } from '../../test/support/scim-target/index.js';

const target = await startScimTarget();
const send = (message: unknown) => process.send!(message);

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    const groups = target.resources('Group');
    const byMethod: Record<string, number> = {};
    for (const entry of target.log) byMethod[entry.method] = (byMethod[entry.method] ?? 0) + 1;
    const members = groups.reduce((n, g) => n + (Array.isArray(g.members) ? g.members.length : 0), 0);
    send({ type: 'stats', users: target.resources('User').length, groups: groups.length, members, byMethod });
    // The log is only read for these counts; drop it so a long run does not grow without end.
    target.log.length = 0;
  } else if (message.type === 'close') {
    void target.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', url: target.url });
