// The grading output folder. Every file is written atomically (a temporary name in the same folder, then
// rename), so an interrupted run never leaves a half-written result; per-student results double as the
// resume state: a student whose result matches the current assignment and submission is not regraded.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GRADE_SCHEMA, GRADE_VERSION, type StudentResult } from './results';
import { writeFileAtomic } from '../util/files';

/**
 * A file-name-safe version of a student's folder name (results go in one folder per student). A name that
 * had to change gets a hash of the original, so 'a b' and 'a_b' do not share a folder.
 */
export function safeName(student: string): string {
  const cleaned =
    student
      .replace(/[^A-Za-z0-9._@-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 120) || '_';
  if (cleaned === student) return student;
  return `${cleaned}-${createHash('sha256').update(student).digest('hex').slice(0, 8)}`;
}

/**
 * Hash of what a submission's grade depends on (see grade-submission.ts: every task's bundle, which holds every
 * file the task imports, and the name, size and time of every file in the folder), to notice a change.
 */
export function hashSubmission(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex').slice(0, 24);
}

export class ResultStore {
  constructor(readonly outDir: string) {}

  studentDir(student: string): string {
    return path.join(this.outDir, 'students', safeName(student));
  }

  resultPath(student: string): string {
    return path.join(this.studentDir(student), 'result.json');
  }

  /** The stored result if it is complete and graded against the same assignment and submission. */
  async reusable(student: string, assignmentHash: string, submissionHash: string): Promise<StudentResult | null> {
    try {
      const stored = JSON.parse(await fs.readFile(this.resultPath(student), 'utf8')) as StudentResult;
      const valid =
        stored.schema === GRADE_SCHEMA &&
        stored.version === GRADE_VERSION &&
        stored.student === student &&
        stored.assignmentHash === assignmentHash &&
        stored.submissionHash === submissionHash &&
        // The grader failed on this student last time: grade again rather than keep a result that is no verdict.
        !stored.notGraded;
      return valid ? stored : null;
    } catch {
      return null;
    }
  }

  async save(result: StudentResult, extra: Record<string, string>): Promise<void> {
    const dir = this.studentDir(result.student);
    // Feedback first, the result last: the result file is the marker that the student is done.
    for (const [name, content] of Object.entries(extra)) await writeFileAtomic(path.join(dir, name), content);
    await writeFileAtomic(this.resultPath(result.student), JSON.stringify(result, null, 1));
  }

  async write(relative: string, content: string): Promise<string> {
    const file = path.join(this.outDir, relative);
    await writeFileAtomic(file, content);
    return file;
  }
}
