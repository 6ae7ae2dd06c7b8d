// Gradescope's side: grade the one submission in /autograder/submission and write
// /autograder/results/results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
// The root is configurable ($GRADLENS_AUTOGRADER_ROOT) so the whole flow can be run locally and in tests.

import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradeClass } from './grader';
import { gradescopeResults, type GradescopeResults } from './outputs/gradescope';
import type { SandboxOptions } from './sandbox';
import { writeFileAtomic } from '../util/files';

export const ROOT_ENV = 'GRADLENS_AUTOGRADER_ROOT';

export function autograderRoot(): string {
  return path.resolve(process.env[ROOT_ENV] || '/autograder');
}

export interface AutograderOptions {
  assignment: string;
  root: string;
  sandbox?: SandboxOptions;
  timeLimitMs?: number;
  workerScript?: string;
  /** Stops grading (a signal): the scratch folders are removed and no results.json is written. */
  signal?: AbortSignal;
}

export async function runAutograder(options: AutograderOptions): Promise<GradescopeResults> {
  const resultsFile = path.join(options.root, 'results', 'results.json');
  // Our own files (feedback, state) go to a scratch folder: Gradescope only reads results.json.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'gradlens-autograder-'));
  try {
    const submission = { student: 'submission', dir: realpathSync(path.join(options.root, 'submission')) };
    const run = await gradeClass({
      assignment: path.resolve(options.assignment),
      submissions: [submission],
      outDir: scratch,
      jobs: 1,
      regrade: true,
      classOutputs: false,
      sandbox: options.sandbox,
      timeLimitMs: options.timeLimitMs,
      workerScript: options.workerScript,
      signal: options.signal,
    });
    if (options.signal?.aborted) throw new Error('grading was interrupted');
    const student = run.result.students[0];
    if (!student) throw new Error('the submission was not graded');
    const results = gradescopeResults(student, run.plan.visibility);
    await writeFileAtomic(resultsFile, JSON.stringify(results, null, 1));
    return results;
  } catch (error) {
    // Without results.json Gradescope shows only "the autograder failed"; say what happened instead, and
    // fail the run so that the instructor sees it in the autograder's stdout.
    const message = error instanceof Error ? error.message : String(error);
    const results: GradescopeResults = {
      score: 0,
      execution_time: 0,
      output: `The autograder could not run (this is not a verdict on your code):\n${message}\nPlease tell your instructor.`,
      output_format: 'text',
      visibility: 'visible',
      stdout_visibility: 'hidden',
      tests: [],
    };
    await writeFileAtomic(resultsFile, JSON.stringify(results, null, 1));
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
