/**
 * Whether a job recorded as running still has its process. The runtime keeps the same check in
 * src/runtime/util (not importable from the extension by the layering rule); it is three lines, so it
 * is repeated here rather than widening that rule.
 */
import { hostname } from 'node:os';

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when a record says running but its owning process on this machine is gone (killed, crashed). */
export function ownerGone(record: { hostname?: string; pid?: number }): boolean {
  return record.hostname === hostname() && typeof record.pid === 'number' && !processIsAlive(record.pid);
}
