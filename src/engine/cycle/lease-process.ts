/**
 * Who runs this process, as a lease records it, and whether a recorded holder is provably dead.
 * Proof is only possible on the same host: there the kernel says whether a pid exists and, on
 * Linux, when the process holding it started, so a pid handed to an unrelated process since is
 * told apart from the holder. A holder on another host (or one that recorded nothing) is never
 * judged; its lease expires as before.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LeaseProcess } from '../state/engine-state.js';

let here: LeaseProcess | undefined;

/**
 * This process: the host name plus, on Linux, the pid namespace. Two containers may share a host
 * name and a database file while their pids mean different processes; the namespace tells them
 * apart, so one never judges the other's pid.
 */
export function currentLeaseProcess(): LeaseProcess {
  if (here === undefined) {
    const started = processStartTime(process.pid);
    here = { host: hostIdentity(), pid: process.pid, ...(started === undefined ? {} : { started }) };
  }
  return here;
}

let bootId: string | undefined | null;

/**
 * When the process with this pid started, as the text a lease records: the boot id and field 22
 * of /proc/<pid>/stat (clock ticks since boot; the boot id keeps a pid and tick count from an
 * earlier boot from matching). Undefined without /proc or when no such process exists.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 2, the command name, is in parentheses and may itself hold spaces and ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    if (bootId === undefined) {
      try {
        bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim() || null;
      } catch {
        bootId = null;
      }
    }
    return bootId === null ? ticks : `${bootId}:${ticks}`;
  } catch {
    return undefined;
  }
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
 * very process, and either no process has its pid or the one that has it started at another time
 * than the holder recorded (the pid was reused). Without a recorded start time, or where the
 * system does not tell it, a process with the pid reads as the holder, which errs on the safe
 * side: the lease then expires as it would have.
 */
export function isHolderGone(
  holder: LeaseProcess,
  self: LeaseProcess = currentLeaseProcess(),
  exists: (pid: number) => boolean = processExists,
  startOf: (pid: number) => string | undefined = processStartTime,
): boolean {
  if (holder.host !== self.host || holder.pid === self.pid) return false;
  if (!exists(holder.pid)) return true;
  if (holder.started === undefined) return false;
  const started = startOf(holder.pid);
  return started !== undefined && started !== holder.started;
}
