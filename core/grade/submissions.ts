// Finding submissions and the files a task asks for. A class folder holds one folder per student; a
// student's file is looked up at the task's path first (directly, whatever else the folder holds), then (once)
// by name anywhere in their folder, because students zip their work in every possible way. Symlinks out of
// the folder do not count. The folder is only ever stat'ed here: no file is read whole, so a huge or sparse
// file cannot stall or crash the grader.

import { promises as fs, lstatSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

export interface Submission {
  /** The student's identifier: the folder name. */
  student: string;
  /** Absolute, symlink-free path of the submission folder. */
  dir: string;
}

/** Folders the grader never searches for a task's file. */
const SKIPPED = new Set(['node_modules', '.git', '__MACOSX', '.DS_Store']);
/** Bounds on the walk, so a submission with a huge tree cannot stall the grader. */
export const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 8;
/** A submission holding more than this (apparent size, node_modules included) is not graded. */
export const MAX_SUBMISSION_BYTES = 64 * 1024 * 1024;
/** A file a task compiles (the task's file and everything it imports) may not be larger than this. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/** What one walk of a submission folder found. */
export interface SubmissionScan {
  /** Regular files outside SKIPPED folders, sorted (the candidates of a search by name). */
  files: string[];
  /** Total apparent size of every regular file walked (node_modules included). */
  bytes: number;
  /** The largest file walked, for the message when the submission is too large. */
  largest: { file: string; bytes: number } | null;
  /**
   * Symbolic links that lead outside the folder (relative paths). Node's permission model follows links, so a
   * link to another student's folder would let a submission read through it: such a submission's process does
   * not get read access to its own folder (it runs from its compiled bundles), and tasks whose files use a link fail.
   */
  outsideLinks: string[];
  /** Relative name, size and mtime of every entry walked: notices data files that code reads at run time. */
  fingerprint: string;
  /** More than MAX_ENTRIES entries, or deeper than MAX_DEPTH: the scan is incomplete. */
  truncated: boolean;
}

/** Every immediate subfolder of `root` is one student's submission (hidden folders are skipped). */
export async function listSubmissions(root: string): Promise<Submission[]> {
  const base = realpathSync(path.resolve(root));
  const entries = await fs.readdir(base, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED.has(e.name))
    .map((e) => ({ student: e.name, dir: path.join(base, e.name) }))
    .sort((a, b) => a.student.localeCompare(b.student));
}

/** Walks a submission once (no symlink followed, nothing read), bounded in entries and depth. */
export async function scanSubmission(dir: string): Promise<SubmissionScan> {
  const scan: SubmissionScan = { files: [], bytes: 0, largest: null, outsideLinks: [], fingerprint: '', truncated: false };
  const stamps: string[] = [];
  let visited = 0;
  const walk = async (current: string, depth: number, searchable: boolean) => {
    if (depth > MAX_DEPTH) return void (scan.truncated = true);
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++visited > MAX_ENTRIES) return void (scan.truncated = true);
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      if (entry.isSymbolicLink()) {
        if (!isInside(full, dir)) scan.outsideLinks.push(relative);
        stamps.push(`${relative}\u0000link`);
      } else if (entry.isDirectory()) await walk(full, depth + 1, searchable && !SKIPPED.has(entry.name));
      else if (entry.isFile()) {
        const stat = await fs.lstat(full).catch(() => null);
        const bytes = stat?.size ?? 0;
        scan.bytes += bytes;
        if (!scan.largest || bytes > scan.largest.bytes) scan.largest = { file: relative, bytes };
        stamps.push(`${relative}\u0000${bytes}\u0000${stat?.mtimeMs ?? 0}`);
        if (searchable) scan.files.push(full);
      }
      if (scan.truncated) return;
    }
  };
  await walk(dir, 0, true);
  scan.fingerprint = stamps.join('\n');
  scan.outsideLinks.sort();
  return scan;
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

export type Located = { ok: true; file: string; note?: string } | { ok: false; message: string; code?: 'forbidden-import' };

/** What is at `file`: a regular file, a link (into the folder or out of it), or nothing usable. */
function entryAt(file: string, dir: string): 'file' | 'inside-link' | 'outside-link' | 'none' {
  try {
    const stat = lstatSync(file);
    if (stat.isFile()) return 'file';
    if (stat.isSymbolicLink()) return isInside(file, dir) ? 'inside-link' : 'outside-link';
  } catch {
    // Not there.
  }
  return 'none';
}

/**
 * The student's copy of a task's file: at its path (looked up directly, so no amount of other files hides it),
 * else the one file with that name among the files `scan` listed.
 */
export function locateTaskFile(submission: Submission, relative: string, scan: Pick<SubmissionScan, 'files' | 'truncated'>): Located {
  const direct = path.join(submission.dir, relative);
  const at = isInside(path.dirname(direct), submission.dir) ? entryAt(direct, submission.dir) : 'none';
  if (at === 'file' || at === 'inside-link') return { ok: true, file: direct };
  if (at === 'outside-link') {
    return { ok: false, code: 'forbidden-import', message: `${relative} is a link to a file outside the submission folder, which is not allowed` };
  }
  const name = path.basename(relative);
  const candidates = scan.files.filter((f) => path.basename(f) === name);
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
  if (scan.truncated) {
    return {
      ok: false,
      message: `the submission has no ${relative} at its top, and it holds too many files (more than ${MAX_ENTRIES}) to search them all: put ${relative} at the top of the folder`,
    };
  }
  return { ok: false, message: `the submission has no ${relative}` };
}
