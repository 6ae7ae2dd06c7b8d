// The grader's scratch folder (gradlens-grade-*): the assignment's bundle (the reference solution inside), the
// worker runtime, and one folder of compiled bundles per student. Nobody but the grader may read it, except
// what a submission's process needs: when submissions run as another user (nobody, when the grader is root),
// the runtime and that student's bundles are opened to that user's group, and the folder above only to
// traversal. The reference's bundle stays the grader's alone. The folder is removed when grading ends, and
// also when the process exits early (a signal handled by the CLI, process.exit, an uncaught error).

import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Sandbox } from './sandbox';

const live = new Set<string>();
let hooked = false;

/** Removes every live scratch folder; runs on 'exit', where only synchronous work is possible. */
function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** A new scratch folder, private to the grader except for traversal by the confined user. */
export function makeWorkDir(sandbox: Sandbox): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradlens-grade-'));
  // 0711 lets the confined user reach the paths it is given without listing the folder.
  chmodSync(dir, sandbox.user ? 0o711 : 0o700);
  live.add(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAll);
  }
  return dir;
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** A folder only the grader may read (the assignment's bundle, with the reference solution). */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** A folder that holds others, passed through (never listed) by the confined user. */
export function passageDir(dir: string, sandbox: Sandbox): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, sandbox.user ? 0o711 : 0o700);
  return dir;
}

/** A folder the confined process reads: its group is the confined user's, and no one else may look in. */
export function confinedDir(dir: string, sandbox: Sandbox): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  shareWith(dir, sandbox, 0o750);
  return dir;
}

/** A file the confined process reads (a bundle, the worker runtime): readable by its group only. */
export function confinedFile(file: string, sandbox: Sandbox): void {
  shareWith(file, sandbox, 0o640);
}

/** Gives the confined user's group read access (`mode`), or keeps the path the grader's alone when it runs as the grader. */
function shareWith(target: string, sandbox: Sandbox, mode: number): void {
  if (!sandbox.user) return chmodSync(target, mode & 0o700);
  // Owner stays the grader (the confined user cannot chmod it back open or write it); the group reads.
  chownSync(target, process.getuid?.() ?? 0, sandbox.user.gid);
  chmodSync(target, mode);
}
