/** Whether a job recorded as running still has its process (the runtime's own check, util/processAlive). */
import { hostname } from 'node:os';
import { processIsAlive } from '../../runtime/util/processAlive';

/** True when a record says running but its owning process on this machine is gone (killed, crashed). */
export function ownerGone(record: { hostname?: string; pid?: number }): boolean {
  return record.hostname === hostname() && typeof record.pid === 'number' && !processIsAlive(record.pid);
}
