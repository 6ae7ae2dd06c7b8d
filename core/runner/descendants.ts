// The processes a worker started, found through /proc (Linux). A worker leads its own process group, so one kill
// of the group takes whatever user code started in it; a child started with `detached: true` makes a group (a
// session) of its own and would outlive the worker. Its parent link still shows it while the worker lives: the
// pool reads the tree before killing a worker, and kills every process in it too.

import * as fs from 'node:fs';

export const PROC_TREE = process.platform === 'linux' && fs.existsSync('/proc/self/stat');

interface Stat {
  pid: number;
  ppid: number;
  pgrp: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid` (children, their children, …), each with its process group. */
export function descendantsOf(pid: number): Stat[] {
  if (!PROC_TREE) return [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, Stat[]>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const out: Stat[] = [];
  const queue = [pid];
  const seen = new Set<number>([pid]);
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** SIGKILL to each process (and to the group of each that leads one). Safe on processes already gone. */
export function killAll(processes: Stat[]): void {
  for (const p of processes) {
    try {
      if (p.pgrp === p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // Group already gone.
    }
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
