/**
 * The SCIM test target in a process of its own for the near-real-time benchmark. Started with
 * `fork(..., { execArgv: ['--import', 'tsx'] })`; it sends `{ type: 'ready', url }` once listening,
 * then, for every successful write to a user (PATCH or PUT), `{ type: 'write', title, at }`: the
 * user's `title` as the store holds it once the write is applied, and the wall-clock time of that
 * moment in milliseconds (`performance.timeOrigin + performance.now()`, comparable across
 * processes on one host). `count` answers how many users it holds; `close` stops it.
 *
 * The write is observed where the target records the answer's status, which it does after the
 * store is updated and before the answer is sent, so the time is when the target holds the value.
 */
import { startScimTarget, type LoggedRequest } from '../test/support/scim-target/index.js';

const target = await startScimTarget();
const send = (message: unknown) => process.send!(message);
const now = () => performance.timeOrigin + performance.now();

function watchStatus(entry: LoggedRequest): void {
  const match = /^\/Users\/([^/?]+)$/u.exec(entry.path);
  if (match === null || (entry.method !== 'PATCH' && entry.method !== 'PUT')) return;
  const id = decodeURIComponent(match[1]!);
  let status = entry.status;
  Object.defineProperty(entry, 'status', {
    enumerable: true,
    get: () => status,
    set: (value: number) => {
      status = value;
      if (value < 200 || value >= 300) return;
      const held = target.store.resources.User.get(id);
      send({ type: 'write', title: held?.title ?? null, at: now() });
    },
  });
}

// Every request is logged before it is handled; watching the log needs no change to the target.
const push = target.log.push.bind(target.log);
target.log.push = (...entries: LoggedRequest[]) => {
  for (const entry of entries) watchStatus(entry);
  const length = push(...entries);
  // Only the writes matter here; keep the log from growing over a long run.
  if (target.log.length > 1_000) target.log.splice(0, target.log.length - 100);
  return length;
};

process.on('message', (message: { type: string }) => {
  if (message.type === 'count') send({ type: 'count', users: target.resources('User').length });
  else if (message.type === 'close') void target.close().then(() => process.exit(0));
});
send({ type: 'ready', url: target.url });
