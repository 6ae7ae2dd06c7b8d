// How a submission's process is confined, on top of what the worker pool already does (own process group
// killed as a whole on timeout, RSS watchdog, process.exit/kill turned into throws):
// - Node's permission model (Node 20: --experimental-permission): the process may read only its own
//   submission folder, its own compiled bundle and the worker runtime; no writes, no child processes. Worker
//   threads stay allowed because the runner's watchdog is one; a thread has the same permissions, lives in
//   the same process (same RSS limit, same process group killed on timeout). A submission that reads
//   another student's folder gets ERR_ACCESS_DENIED.
// - When the grader runs as root (Gradescope's container does), the process also runs as an unprivileged
//   user (nobody), so it cannot signal the grader or write root's files even through a hole in the above.
// Both are probed once at startup: what does not work on this machine is reported, never silently assumed.

import { fork } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SandboxOptions {
  /** 'auto' (default): drop to nobody when running as root and it works here; 'never'; 'always' (fail if it cannot). */
  dropPrivileges?: 'auto' | 'never' | 'always';
  /** Use Node's permission model (default true). */
  permissions?: boolean;
}

export interface Sandbox {
  /** Whether the permission model is used. */
  permissions: boolean;
  /** The unprivileged user the processes run as, when dropping privileges. */
  user: { name: string; uid: number; gid: number } | null;
  /** Sentences for the log and the docs: what is in force and what is not. */
  notes: string[];
}

/** Node flags of a submission's process: read only `readable`, write nothing, start no process. */
export function permissionArgs(readable: string[]): string[] {
  // Node 20 takes one path per flag; a comma-separated list is read as a single path.
  return ['--experimental-permission', '--allow-worker', '--no-warnings', ...readable.map((p) => `--allow-fs-read=${p}`)];
}

/** The uid/gid of a user from /etc/passwd (no external command needed). */
export function lookupUser(name: string): { name: string; uid: number; gid: number } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No /etc/passwd (Windows, some minimal images): no user to drop to.
  }
  return null;
}

const PROBE = `
const fs = require('fs');
const report = { uid: process.getuid ? process.getuid() : null, denied: {} };
for (const [name, act] of Object.entries({
  readOutside: () => fs.readFileSync(process.argv[2]),
  write: () => fs.writeFileSync(process.argv[3], 'x'),
  childProcess: () => require('child_process').execFileSync(process.execPath, ['-e', '0']),
})) { try { act(); report.denied[name] = false; } catch (e) { report.denied[name] = e.code === 'ERR_ACCESS_DENIED' || e.code === 'EACCES'; } }
process.send(report, () => process.exit(0));
`;

interface ProbeReport {
  uid: number | null;
  denied: Record<string, boolean>;
}

/** Starts one confined process the way submissions are started and reports what it could do. */
async function probe(permissions: boolean, user: Sandbox['user']): Promise<ProbeReport> {
  const dir = mkdtempSync(join(tmpdir(), 'gradlens-sandbox-'));
  try {
    chmodSync(dir, 0o755);
    const script = join(dir, 'probe.js');
    const secretDir = mkdtempSync(join(tmpdir(), 'gradlens-sandbox-outside-'));
    const secret = join(secretDir, 'secret');
    writeFileSync(secret, 'secret', { mode: 0o644 });
    chmodSync(secretDir, 0o755);
    writeFileSync(script, PROBE, { mode: 0o644 });
    try {
      return await new Promise<ProbeReport>((resolve, reject) => {
        const child = fork(script, [secret, join(dir, 'written')], {
          execArgv: permissions ? permissionArgs([dir]) : [],
          uid: user?.uid,
          gid: user?.gid,
          cwd: dir,
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        let stderr = '';
        child.stderr?.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('message', (m) => resolve(m as ProbeReport));
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the probe exited with ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
        });
      });
    } finally {
      rmSync(secretDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decides how submissions run on this machine, by trying it. */
export async function detectSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const permissions = options.permissions ?? true;
  const mode = options.dropPrivileges ?? 'auto';
  const notes: string[] = [];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let user: Sandbox['user'] = null;
  // The probe as nobody also tells what the permission model allowed: no need to start a second one.
  let confined: ProbeReport | null = null;
  if (mode !== 'never') {
    const nobody = lookupUser('nobody');
    if (!isRoot) notes.push('not running as root: submissions run as the current user (the permission model still confines them)');
    else if (!nobody) notes.push("no user 'nobody' on this machine: submissions run as root, confined by the permission model only");
    else {
      try {
        const report = await probe(permissions, nobody);
        if (report.uid === nobody.uid) {
          user = nobody;
          confined = report;
          notes.push(`submissions run as ${nobody.name} (uid ${nobody.uid}): they cannot signal the grader or write its files`);
        } else notes.push(`starting a process as ${nobody.name} did not take effect: submissions run as root`);
      } catch (error) {
        notes.push(`starting a process as ${nobody.name} failed (${(error as Error).message}): submissions run as root`);
      }
    }
    if (mode === 'always' && !user) throw new Error(`cannot drop privileges: ${notes[notes.length - 1]}`);
  }
  if (permissions) {
    const report = confined ?? (await probe(true, user));
    const missing = Object.entries(report.denied)
      .filter(([, denied]) => !denied)
      .map(([name]) => name);
    if (missing.length) throw new Error(`Node's permission model did not confine a test process (allowed: ${missing.join(', ')})`);
    notes.push('Node permission model: reads limited to the submission and the engine; no writes, no child processes');
  } else notes.push('Node permission model disabled (--no-permissions): submissions can read and write what their user can');
  return { permissions, user, notes };
}
