/**
 * Who runs this process, as a lease records it, and whether a recorded holder is provably dead.
 * Proof is only possible on the same host: there the kernel says whether a pid exists. A holder
 * on another host (or one that recorded nothing) is never judged; its lease expires as before.
 */
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LeaseProcess } from '../state/engine-state.js';

let here: LeaseProcess | undefined;

/**
 * This process: the host name plus, on Linux, the pid namespace. Two containers may share a host
 * name and a database file while their pids mean different processes; the namespace tells them
 * apart, so one never judges the other's pid.
 */
export function currentLeaseProcess(): LeaseProcess {
  here ??= { host: hostIdentity(), pid: process.pid };
  return here;
}

function hostIdentity(): string {
  const name = hostname();
  try {
    // `pid:[4026531836]`: the namespace whose pids this process sees.
    const namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    return namespace === undefined ? name : `${name} pidns:${namespace}`;
  } catch {
    return name;
  }
}

/** True when a process with this pid exists here (one of another user counts: it exists). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * True only when `holder` is provably gone: recorded on this host (same pid namespace), not this
 * very process, and no process has its pid. A pid reused by an unrelated process since reads as
 * alive, which errs on the safe side: the lease then expires as it would have.
 */
export function isHolderGone(
  holder: LeaseProcess,
  self: LeaseProcess = currentLeaseProcess(),
  exists: (pid: number) => boolean = processExists,
): boolean {
  return holder.host === self.host && holder.pid !== self.pid && !exists(holder.pid);
}
