// A watchdog thread inside each worker process. It is a thread, not a timer, because user code stuck in a
// tight loop never yields to the event loop, while a thread keeps running. It does two things:
// - ends the worker (and its process group) when the pool's process is gone: a busy worker never sees its IPC
//   channel close, and would otherwise spin on as an orphan after an editor crash;
// - where the pool cannot read /proc (not Linux), enforces the memory limit: over it, it writes a marker line to
//   stderr (the pool reads it to say 'memory') and kills its process.

import { Worker } from 'node:worker_threads';
import { WATCHDOG_MARKER } from './protocol';

const MEMORY_INTERVAL_MS = 50;
const PARENT_INTERVAL_MS = 500;

// Plain JS evaluated by the thread (no file to find next to a bundle). The thread has its own `process`
// object, so the main thread's hardening does not touch its process.kill.
const THREAD_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { parentPid, limitMb, marker, interval, parentInterval } = workerData;
function descendants() {
  // Children started with detached: true left the group: find them by their parent links (Linux /proc; under
  // the permission model the read is refused, and no child could have been started there anyway).
  const kids = new Map();
  try {
    for (const name of require('node:fs').readdirSync('/proc')) {
      if (!/^\\d+$/.test(name)) continue;
      try {
        const text = require('node:fs').readFileSync('/proc/' + name + '/stat', 'utf8');
        const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
        if (!kids.has(ppid)) kids.set(ppid, []);
        kids.get(ppid).push(Number(name));
      } catch {}
    }
  } catch {}
  const out = [];
  const queue = [process.pid];
  while (queue.length) for (const kid of kids.get(queue.shift()) || []) if (!out.includes(kid)) { out.push(kid); queue.push(kid); }
  return out;
}
function killSelf() {
  // The worker leads its own process group (the pool forks it detached): take user code's children along.
  if (process.platform !== 'win32') {
    for (const pid of descendants()) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    try { process.kill(-process.pid, 'SIGKILL'); } catch {}
  }
  process.kill(process.pid, 'SIGKILL');
}
function parentAlive() {
  try { process.kill(parentPid, 0); return true; } catch (error) { return error.code === 'EPERM'; }
}
let sinceParentCheck = 0;
setInterval(() => {
  if (limitMb > 0) {
    const rssMb = process.memoryUsage.rss() / 1048576;
    if (rssMb > limitMb) {
      try { writeSync(2, '\\n' + marker + ' rss=' + Math.round(rssMb) + 'MB\\n'); } catch {}
      killSelf();
    }
  }
  sinceParentCheck += interval;
  if (sinceParentCheck >= parentInterval) {
    sinceParentCheck = 0;
    if (!parentAlive()) killSelf();
  }
}, interval);
`;

/** Starts the thread. `memoryLimitMb` 0 leaves memory to the pool (it reads /proc). */
export function startWatchdog(parentPid: number, memoryLimitMb: number): void {
  const interval = memoryLimitMb > 0 ? MEMORY_INTERVAL_MS : PARENT_INTERVAL_MS;
  const thread = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { parentPid, limitMb: memoryLimitMb, marker: WATCHDOG_MARKER, interval, parentInterval: PARENT_INTERVAL_MS },
    // A small heap is plenty, and keeps the thread's share of the worker's memory low.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  // The watchdog must not keep the process alive on its own, nor take it down if it fails.
  thread.unref();
  thread.on('error', () => undefined);
}
