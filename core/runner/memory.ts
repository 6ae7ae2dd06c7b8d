// Memory of a worker process as the pool sees it. The V8 heap limit (--max-old-space-size) does not cover typed
// arrays, which live outside the heap, so the pool also watches the resident set: on Linux by reading
// /proc/<pid>/status (cheap, and works while the child is stuck in a tight loop); elsewhere the child runs its
// own watchdog thread (watchdog.ts) and the pool recognizes its marker, or V8's own out-of-memory message.

import { existsSync, promises as fs } from 'node:fs';
import { WATCHDOG_MARKER } from './protocol';

export const PROC_AVAILABLE = process.platform === 'linux' && existsSync('/proc/self/status');

export interface MemorySample {
  /** Current resident set (MiB). */
  rssMb: number;
  /** Peak resident set since the last resetPeak (MiB), where the kernel keeps it. */
  peakMb?: number;
}

/** Reads VmRSS and VmHWM of a process; undefined when it is gone (or /proc is unavailable). */
export async function sampleMemory(pid: number): Promise<MemorySample | undefined> {
  let status: string;
  try {
    status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!rss) return undefined;
  const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return { rssMb: Number(rss[1]) / 1024, ...(hwm ? { peakMb: Number(hwm[1]) / 1024 } : {}) };
}

/**
 * Resets the kernel's peak-RSS counter (VmHWM) so that the next samples give the peak of one job, including
 * spikes between two samples. Best effort: older kernels or a sandbox may refuse.
 */
export async function resetPeak(pid: number): Promise<void> {
  await fs.writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
}

/** Whether a dead worker's last stderr says it ran out of memory (V8's heap limit, or our watchdog). */
export function diedOfMemory(stderrTail: string): boolean {
  return (
    stderrTail.includes(WATCHDOG_MARKER) ||
    stderrTail.includes('JavaScript heap out of memory') ||
    stderrTail.includes('Reached heap limit') ||
    stderrTail.includes('Fatal process out of memory')
  );
}

/** A RangeError from user code that means the process could not get memory, not a bad argument. */
export function isAllocationFailure(message: string): boolean {
  return /Array buffer allocation failed|Fatal process out of memory/i.test(message);
}
