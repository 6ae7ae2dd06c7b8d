// One student: find and compile their files (in this trusted process, refusing imports from outside their
// folder), run each task in one confined child of their own, score, and store the result atomically.

import { chmodSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { compileModelFile, type CompiledBundle } from '../runner/compile';
import { WorkerPool } from '../runner/pool';
import { failedTask, gradeTask, type TaskContext } from './grade-task';
import { gradescopeResults } from './outputs/gradescope';
import { studentFeedbackHtml } from './outputs/student-html';
import type { AssignmentPlan } from './plan';
import { GRADE_SCHEMA, GRADE_VERSION, type StudentResult, type TaskOutcome } from './results';
import { permissionArgs, type Sandbox } from './sandbox';
import { hashSubmission, safeName, type ResultStore } from './store';
import { isInside, locateTaskFile, submissionFiles, type Submission } from './submissions';
import { studentReportHtml } from './outputs/student-report';
import { studentFeedbackText } from './outputs/student-text';

export interface SubmissionJob {
  submission: Submission;
  plan: AssignmentPlan;
  assignmentHash: string;
  store: ResultStore;
  sandbox: Sandbox;
  workDir: string;
  workerScript: string;
  regrade: boolean;
  timeLimitMs?: number;
  memoryLimitMb: number;
  signal?: AbortSignal;
  log: (message: string) => void;
}

/** Variables a submission's process keeps; every other one is blanked (the grader's environment is not theirs). */
const KEPT_ENV = new Set(['LANG', 'LC_ALL', 'TZ']);

/** The pool adds these to the grader's environment: blanking every name hides the values from submissions. */
function scrubbedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(process.env)) if (!KEPT_ENV.has(name)) env[name] = '';
  return env;
}

/** Compiles a student's file; any source it pulls in from outside their folder is refused. */
async function compileStudentFile(file: string, dir: string, cacheDir: string): Promise<CompiledBundle | { refused: string }> {
  const compiled = await compileModelFile(file, { cacheDir });
  const outside = compiled.dependencies.filter((dep) => !isInside(dep, dir));
  if (outside.length) {
    // A static import of another student's file would otherwise be bundled in and run as this student's code.
    return { refused: `it imports ${outside.map((o) => path.basename(o)).join(', ')} from outside the submission folder, which is not allowed` };
  }
  return compiled;
}

function firstCompileError(compiled: CompiledBundle, dir: string): { message: string; where?: string } {
  const f = compiled.findings[0];
  if (!f) return { message: 'the file does not compile' };
  const loc = f.location;
  const where = loc ? `${path.relative(dir, loc.file)}:${loc.start.line + 1}:${loc.start.column + 1}` : undefined;
  return { message: `it does not compile: ${f.message}`, ...(where ? { where } : {}) };
}

export async function gradeSubmission(job: SubmissionJob): Promise<{ result: StudentResult; reused: boolean } | null> {
  const { submission, plan, store } = job;
  const started = performance.now();
  const files = await submissionFiles(submission.dir);
  const submissionHash = await hashSubmission(files, submission.dir);
  if (!job.regrade) {
    const stored = await store.reusable(submission.student, job.assignmentHash, submissionHash);
    if (stored) return { result: stored, reused: true };
  }

  // This student's bundles only: the confined process may read this folder and no other student's.
  const bundleDir = path.join(job.workDir, 'students', safeName(submission.student));
  mkdirSync(bundleDir, { recursive: true });
  chmodSync(path.dirname(bundleDir), 0o755);
  chmodSync(bundleDir, 0o755);
  const readable = [bundleDir, submission.dir, path.dirname(job.workerScript)];
  const pool = new WorkerPool({
    size: 1,
    memoryLimitMb: job.memoryLimitMb,
    execArgv: job.sandbox.permissions ? permissionArgs(readable) : [],
    env: scrubbedEnv(),
    uid: job.sandbox.user?.uid,
    gid: job.sandbox.user?.gid,
    // The bundle folder, not the submission: it is ours, so an unprivileged user can always enter it.
    cwd: bundleDir,
    workerScript: job.workerScript,
  });

  const tasks: TaskOutcome[] = [];
  const compiledByFile = new Map<string, CompiledBundle | { refused: string }>();
  try {
    for (const task of plan.tasks) {
      if (job.signal?.aborted) return null;
      const taskStarted = performance.now();
      const located = locateTaskFile(submission, task.file, files);
      const ctx: TaskContext = { task, file: located.ok ? located.file : path.join(submission.dir, task.file), dir: submission.dir };
      if (!located.ok) {
        tasks.push(failedTask(ctx, { code: 'missing-file', message: located.message }, 0));
        continue;
      }
      let compiled = compiledByFile.get(located.file);
      if (!compiled) {
        compiled = await compileStudentFile(located.file, submission.dir, bundleDir);
        compiledByFile.set(located.file, compiled);
      }
      if ('refused' in compiled) {
        tasks.push(failedTask(ctx, { code: 'forbidden-import', message: compiled.refused }, 0));
        continue;
      }
      if (!compiled.ok || !compiled.path) {
        tasks.push(failedTask(ctx, { code: 'compile-error', ...firstCompileError(compiled, submission.dir) }, 0));
        continue;
      }
      const outcome = await pool.run({ type: 'grade:submission', bundlePath: compiled.path, payload: task.payload }, { timeLimitMs: job.timeLimitMs ?? task.timeLimitMs, signal: job.signal });
      if (!outcome.ok && outcome.kind === 'cancelled' && job.signal?.aborted) return null;
      tasks.push(gradeTask(ctx, outcome, performance.now() - taskStarted));
    }
  } finally {
    await pool.dispose();
  }

  const result: StudentResult = {
    schema: GRADE_SCHEMA,
    version: GRADE_VERSION,
    student: submission.student,
    submissionHash,
    assignmentHash: job.assignmentHash,
    assignment: plan.title,
    score: tasks.reduce((a, t) => a + t.score, 0),
    maxScore: tasks.reduce((a, t) => a + t.maxScore, 0),
    tasks,
    gradedAt: new Date().toISOString(),
    timeMs: performance.now() - started,
  };
  const outputs: Record<string, string> = {
    'feedback.txt': studentFeedbackText(result),
    'feedback.html': studentFeedbackHtml(result),
    'results.json': JSON.stringify(gradescopeResults(result, plan.visibility), null, 1),
  };
  const report = studentReportHtml(result, (name) => path.join(submission.dir, plan.tasks.find((t) => t.name === name)?.file ?? ''));
  if (report) outputs['report.html'] = report;
  await store.save(result, outputs);
  return { result, reused: false };
}
