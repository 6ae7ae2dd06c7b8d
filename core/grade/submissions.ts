// Finding submissions and the files a task asks for. A class folder holds one folder per student; a
// student's file is looked up at the task's path first, then (once) by name anywhere in their folder,
// because students zip their work in every possible way. Symlinks out of the folder do not count.

import { promises as fs, realpathSync } from 'node:fs';
import * as path from 'node:path';

export interface Submission {
  /** The student's identifier: the folder name. */
  student: string;
  /** Absolute, symlink-free path of the submission folder. */
  dir: string;
}

/** Folders the grader never looks into. */
const SKIPPED = new Set(['node_modules', '.git', '__MACOSX', '.DS_Store']);
/** Bounds on what is hashed and searched, so a submission with a huge tree cannot stall the grader. */
const MAX_FILES = 2000;
const MAX_DEPTH = 8;

/** Every immediate subfolder of `root` is one student's submission (hidden folders are skipped). */
export async function listSubmissions(root: string): Promise<Submission[]> {
  const base = realpathSync(path.resolve(root));
  const entries = await fs.readdir(base, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED.has(e.name))
    .map((e) => ({ student: e.name, dir: path.join(base, e.name) }))
    .sort((a, b) => a.student.localeCompare(b.student));
}

/** The regular files of a submission (no symlinks followed), bounded in number and depth. */
export async function submissionFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (current: string, depth: number) => {
    if (depth > MAX_DEPTH || files.length >= MAX_FILES) return;
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name) || files.length >= MAX_FILES) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full, depth + 1);
      else if (entry.isFile()) files.push(full);
    }
  };
  await walk(dir, 0);
  return files;
}

/**
 * Symbolic links in a submission that lead outside it. Node's permission model follows links, so a link to
 * another student's folder would let a submission read it: such a submission is not run at all.
 */
export async function outsideLinks(dir: string): Promise<string[]> {
  const found: string[] = [];
  let visited = 0;
  const walk = async (current: string, depth: number) => {
    if (depth > MAX_DEPTH || visited > MAX_FILES) return;
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      visited++;
      const full = path.join(current, entry.name);
      if (entry.isSymbolicLink()) {
        if (!isInside(full, dir)) found.push(path.relative(dir, full));
      } else if (entry.isDirectory() && !SKIPPED.has(entry.name)) await walk(full, depth + 1);
    }
  };
  await walk(dir, 0);
  return found.sort();
}

/** True when `file` (after resolving symlinks) lies inside `dir`. */
export function isInside(file: string, dir: string): boolean {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return false;
  }
  const relative = path.relative(dir, real);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export type Located = { ok: true; file: string; note?: string } | { ok: false; message: string };

/** The student's copy of a task's file: at its path, else the one file with that name in their folder. */
export function locateTaskFile(submission: Submission, relative: string, files: string[]): Located {
  const direct = path.join(submission.dir, relative);
  if (files.includes(direct)) return { ok: true, file: direct };
  const name = path.basename(relative);
  const candidates = files.filter((f) => path.basename(f) === name);
  if (candidates.length === 1) {
    return { ok: true, file: candidates[0], note: `found ${relative} at ${path.relative(submission.dir, candidates[0])}` };
  }
  if (candidates.length > 1) {
    const shown = candidates.map((c) => path.relative(submission.dir, c)).join(', ');
    return {
      ok: false,
      message: `${relative} was not found at the top of the submission, and there are several files named ${name} (${shown}); submit one ${relative}`,
    };
  }
  return { ok: false, message: `the submission has no ${relative}` };
}
