// One student: find and compile their files (in this trusted process, refusing imports from outside their
// folder and files beyond the size limits), decide from the compiled bundles whether a stored result still
// holds, run each task in one confined child of their own, score, and store the result atomically. A failure
// of the grader itself (not of the student's code) is never stored as a score: the student is "not graded"
// and graded again on the next run.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { compileModelFile } from '../runner/compile';
import { WorkerPool } from '../runner/pool';
import { deniedTask, failedTask, gradeTask, type TaskContext } from './grade-task';
import type { Denial } from '../runner/denials';
import { gradescopeResults } from './outputs/gradescope';
import { studentFeedbackHtml } from './outputs/student-html';
import type { AssignmentPlan, PlannedTask, SubmissionReply } from './plan';
import { GRADE_SCHEMA, GRADE_VERSION, type StudentResult, type TaskError, type TaskOutcome } from './results';
import { permissionArgs, type Sandbox } from './sandbox';
import { hashSubmission, safeName, type ResultStore } from './store';
import { isInside, locateTaskFile, MAX_SOURCE_BYTES, MAX_SUBMISSION_BYTES, scanSubmission, type Submission, type SubmissionScan } from './submissions';
import { boundOutcome, capText } from './untrusted';
import { confinedDir, confinedFile, passageDir } from './workdir';
import type { JobOutcome } from '../runner/pool';
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
  /** Only reuse a stored result, never grade (students left out with --student). */
  storedOnly: boolean;
  timeLimitMs?: number;
  memoryLimitMb: number;
  signal?: AbortSignal;
}

/** Variables a submission's process keeps; every other one is blanked (the grader's environment is not theirs). */
const KEPT_ENV = new Set(['LANG', 'LC_ALL', 'TZ']);

/** The pool adds these to the grader's environment: blanking every name hides the values from submissions. */
function scrubbedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(process.env)) if (!KEPT_ENV.has(name)) env[name] = '';
  return env;
}

/** Where a task's code comes from: its compiled bundle (and the bundle's hash), or why there is none. */
type TaskSource = { bundlePath: string; hash: string } | { error: TaskError };

/** A task with the student's file found and compiled (or the reason it could not be). */
interface PreparedTask {
  task: PlannedTask;
  file: string;
  note?: string;
  source: TaskSource;
}

/** "3.0 GiB" */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}

/** Files among `files` larger than a source file may be, as "name (size)". */
function oversized(files: string[], dir: string): string[] {
  const found: string[] = [];
  for (const file of files) {
    const bytes = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (bytes > MAX_SOURCE_BYTES) found.push(`${path.relative(dir, file)} (${formatBytes(bytes)})`);
  }
  return found;
}

/** Finds and compiles the student's files, once per file; a compiled file serves every task that uses it. */
class StudentSources {
  private readonly compiled = new Map<string, Promise<TaskSource>>();

  constructor(
    private readonly submission: Submission,
    private readonly scan: SubmissionScan,
    private readonly bundleDir: string,
    private readonly sandbox: Sandbox,
  ) {}

  async forTask(task: PlannedTask): Promise<PreparedTask> {
    const { submission } = this;
    const located = locateTaskFile(submission, task.file, this.scan);
    const file = located.ok ? located.file : path.join(submission.dir, task.file);
    if (!located.ok) return { task, file, source: { error: { code: located.code ?? 'missing-file', message: located.message } } };
    let source = this.compiled.get(file);
    if (!source) {
      source = this.compile(file);
      this.compiled.set(file, source);
    }
    return { task, file, ...(located.note ? { note: located.note } : {}), source: await source };
  }

  private async compile(file: string): Promise<TaskSource> {
    const dir = this.submission.dir;
    // Checked before esbuild reads it: the submission's size limit does not cover a folder past the walk's bounds.
    const big = oversized([file], dir);
    if (big.length) return { error: tooLarge(`${big[0]} is larger than the ${formatBytes(MAX_SOURCE_BYTES)} a source file may be`) };
    const compiled = await compileModelFile(file, { cacheDir: this.bundleDir });
    // A static import of another student's file would otherwise be bundled in and run as this student's code.
    const outside = compiled.dependencies.filter((dep) => !isInside(dep, dir));
    if (outside.length) {
      const names = outside.map((o) => path.basename(o)).join(', ');
      return { error: { code: 'forbidden-import', message: `it imports ${names} from outside the submission folder, which is not allowed` } };
    }
    if (!compiled.ok || !compiled.path) {
      const f = compiled.findings[0];
      const loc = f?.location;
      const where = loc ? `${path.relative(dir, loc.file)}:${loc.start.line + 1}:${loc.start.column + 1}` : undefined;
      return { error: { code: 'compile-error', message: `it does not compile: ${capText(f?.message ?? 'unknown error')}`, ...(where ? { where } : {}) } };
    }
    const bigImports = oversized(compiled.dependencies, dir);
    if (bigImports.length)
      return { error: tooLarge(`it imports ${bigImports.join(', ')}, larger than the ${formatBytes(MAX_SOURCE_BYTES)} a source file may be`) };
    confinedFile(compiled.path, this.sandbox);
    return { bundlePath: compiled.path, hash: compiled.hash };
  }
}

function tooLarge(message: string): TaskError {
  return { code: 'too-large', message };
}

/** Why a submission is not compiled or run at all, when it is too large to be homework. */
function submissionTooLarge(scan: SubmissionScan): TaskError | null {
  if (scan.bytes <= MAX_SUBMISSION_BYTES) return null;
  const largest = scan.largest ? ` (the largest, ${scan.largest.file}, is ${formatBytes(scan.largest.bytes)})` : '';
  return tooLarge(
    `the submission holds ${formatBytes(scan.bytes)} of files${largest}, more than the ${formatBytes(MAX_SUBMISSION_BYTES)} a submission may hold: remove data sets, checkpoints and other large files`,
  );
}

/**
 * What the stored result must match to be reused: every task's bundle (which holds every file the task imports,
 * as esbuild saw them) or the reason it has none, and the name, size and time of every file in the folder (for
 * data files that code reads at run time).
 */
function gradeInputs(scan: SubmissionScan, prepared: PreparedTask[], dir: string): string[] {
  const parts = [scan.fingerprint, scan.outsideLinks.join('\n')];
  for (const { task, file, note, source } of prepared) {
    parts.push(task.name, path.relative(dir, file), note ?? '', 'error' in source ? `${source.error.code}: ${source.error.message}` : source.hash);
  }
  return parts;
}

/** The submission's own child process: reads only its folder and bundles, writes nothing, runs as nobody when root. */
function confinedPool(job: SubmissionJob, bundleDir: string, readsFolder: boolean): WorkerPool {
  // With a link out of the folder, reading the folder would read through the link: the process gets its bundles only.
  const readable = [bundleDir, ...(readsFolder ? [job.submission.dir] : []), path.dirname(job.workerScript)];
  return new WorkerPool({
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
}

/**
 * A job that failed for the grader's reasons, not the student's: a worker process that could not start (the pool
 * reports those at once, before any of the student's code ran), or a pool shut down while no one cancelled.
 */
function isInfrastructureFailure(outcome: JobOutcome, signal?: AbortSignal): boolean {
  if (outcome.ok) return false;
  return (outcome.kind === 'crashed' && outcome.durationMs === 0) || (outcome.kind === 'cancelled' && !signal?.aborted);
}

function notGradedError(reason: string): TaskError {
  return {
    code: 'not-graded',
    message: `the grader could not run this task (${capText(reason, 300)}); this is no verdict on the code, and the next run grades it again`,
  };
}

/** A result for a student the grader failed on: shown in every output, never reused on resume. */
export function notGradedResult(submission: Submission, plan: AssignmentPlan, assignmentHash: string, error: unknown): StudentResult {
  const reason = error instanceof Error ? error.message : String(error);
  const tasks = plan.tasks.map((task) => failedTask({ task, file: task.file, dir: submission.dir }, notGradedError(reason), 0));
  return studentResult(submission, plan, assignmentHash, '', tasks, 0, capText(reason, 300));
}

function studentResult(
  submission: Submission,
  plan: AssignmentPlan,
  assignmentHash: string,
  submissionHash: string,
  tasks: TaskOutcome[],
  timeMs: number,
  notGraded?: string,
): StudentResult {
  return {
    schema: GRADE_SCHEMA,
    version: GRADE_VERSION,
    student: submission.student,
    submissionHash,
    assignmentHash,
    assignment: plan.title,
    score: tasks.reduce((a, t) => a + t.score, 0),
    maxScore: tasks.reduce((a, t) => a + t.maxScore, 0),
    tasks,
    gradedAt: new Date().toISOString(),
    timeMs,
    ...(notGraded ? { notGraded } : {}),
  };
}

/**
 * Grades one submission (or reuses its stored result); null when cancelled, or when only a stored result would
 * do and there is none. Never throws: a failure of the grader becomes a not-graded result.
 */
export async function gradeSubmission(job: SubmissionJob): Promise<{ result: StudentResult; reused: boolean } | null> {
  try {
    return await gradeOrReuse(job);
  } catch (error) {
    if (job.signal?.aborted || job.storedOnly) return null;
    const result = notGradedResult(job.submission, job.plan, job.assignmentHash, error);
    await job.store.save(result, studentOutputs(result, job.plan, job.submission)).catch(() => undefined);
    return { result, reused: false };
  }
}

async function gradeOrReuse(job: SubmissionJob): Promise<{ result: StudentResult; reused: boolean } | null> {
  const { submission, plan, store } = job;
  const started = performance.now();
  const scan = await scanSubmission(submission.dir);
  // This student's bundles only: the confined process may read this folder and no other student's.
  passageDir(path.join(job.workDir, 'students'), job.sandbox);
  const bundleDir = confinedDir(path.join(job.workDir, 'students', safeName(submission.student)), job.sandbox);
  const whole = submissionTooLarge(scan);
  const sources = new StudentSources(submission, scan, bundleDir, job.sandbox);
  const prepared: PreparedTask[] = [];
  for (const task of plan.tasks) {
    if (job.signal?.aborted) return null;
    prepared.push(whole ? { task, file: path.join(submission.dir, task.file), source: { error: whole } } : await sources.forTask(task));
  }
  const submissionHash = hashSubmission(gradeInputs(scan, prepared, submission.dir));
  // A walk cut short does not see every file: such a submission is graded every time rather than reused stale.
  if ((!job.regrade || job.storedOnly) && !scan.truncated) {
    const stored = await store.reusable(submission.student, job.assignmentHash, submissionHash);
    if (stored) return { result: stored, reused: true };
  }
  if (job.storedOnly) return null;

  const graded = await runTasks(job, prepared, scan, bundleDir);
  if (!graded) return null;
  const result = studentResult(submission, plan, job.assignmentHash, submissionHash, graded.tasks, performance.now() - started, graded.notGraded);
  await store.save(result, studentOutputs(result, plan, submission));
  return { result, reused: false };
}

/**
 * gradeTask, with a reply it cannot make sense of scored as the student's: a malformed reply comes from their
 * process, so it must not pass for a failure of the grader (which would never be scored).
 */
function gradeReply(ctx: TaskContext, outcome: JobOutcome, timeMs: number): TaskOutcome {
  try {
    return gradeTask(ctx, outcome, timeMs);
  } catch (error) {
    const why = capText(error instanceof Error ? error.message : String(error), 300);
    return failedTask(ctx, { code: 'bad-result', message: `the submission process sent back a malformed result (${why})` }, timeMs);
  }
}

function replyDenials(reply: unknown): Denial[] {
  const denials = (reply as SubmissionReply | undefined)?.denials;
  return Array.isArray(denials) ? denials : [];
}

/** Runs every task that has a bundle in the student's one confined process; null when cancelled. */
async function runTasks(
  job: SubmissionJob,
  prepared: PreparedTask[],
  scan: SubmissionScan,
  bundleDir: string,
): Promise<{ tasks: TaskOutcome[]; notGraded?: string } | null> {
  const { submission } = job;
  const links = scan.outsideLinks;
  const linkNote = links.length
    ? `the submission contains links to files outside its folder (${links.join(', ')}); its code ran without read access to its folder`
    : '';
  const pool = confinedPool(job, bundleDir, !links.length);
  const tasks: TaskOutcome[] = [];
  let notGraded: string | undefined;
  // What happened when a file loaded (a throw, a kill, a refused access at import) costs every task of that file.
  const atImport = new Map<string, { error: TaskError; denials?: Denial[] } | { denials: Denial[] }>();
  try {
    for (const { task, file, note, source } of prepared) {
      if (job.signal?.aborted) return null;
      const taskStarted = performance.now();
      const notes = [note, linkNote].filter(Boolean).join('; ');
      const ctx: TaskContext = { task, file, dir: submission.dir, ...(notes ? { note: notes } : {}) };
      if ('error' in source) {
        tasks.push(failedTask(ctx, source.error, 0));
        continue;
      }
      const known = atImport.get(source.bundlePath);
      if (known) {
        if ('error' in known) tasks.push({ ...failedTask(ctx, known.error, 0), ...(known.denials ? { denials: known.denials } : {}) });
        else tasks.push(deniedTask(ctx, known.denials, 0));
        continue;
      }
      // Everything the student's process sends is bounded here, once, before any output sees it.
      const outcome = boundOutcome(
        await pool.run(
          { type: 'grade:submission', bundlePath: source.bundlePath, payload: task.payload },
          { timeLimitMs: job.timeLimitMs ?? task.timeLimitMs, signal: job.signal },
        ),
      );
      if (!outcome.ok && outcome.kind === 'cancelled' && job.signal?.aborted) return null;
      if (!outcome.ok && isInfrastructureFailure(outcome, job.signal)) {
        notGraded ??= capText(outcome.message, 300);
        tasks.push(failedTask(ctx, notGradedError(outcome.message), performance.now() - taskStarted));
        continue;
      }
      const graded = gradeReply(ctx, outcome, performance.now() - taskStarted);
      if (!outcome.ok && outcome.phase === 'load' && graded.error)
        atImport.set(source.bundlePath, { error: graded.error, ...(graded.denials ? { denials: graded.denials } : {}) });
      const loadDenials = outcome.ok ? replyDenials(outcome.result).filter((d) => d?.phase === 'load') : [];
      if (loadDenials.length) atImport.set(source.bundlePath, { denials: loadDenials });
      tasks.push(graded);
    }
  } finally {
    await pool.dispose();
  }
  return { tasks, ...(notGraded ? { notGraded } : {}) };
}

/** The per-student files besides result.json. */
function studentOutputs(result: StudentResult, plan: AssignmentPlan, submission: Submission): Record<string, string> {
  const outputs: Record<string, string> = {
    'feedback.txt': studentFeedbackText(result),
    'feedback.html': studentFeedbackHtml(result),
    'results.json': JSON.stringify(gradescopeResults(result, plan.visibility), null, 1),
  };
  const report = studentReportHtml(result, (name) => {
    const task = plan.tasks.find((t) => t.name === name);
    return { file: path.join(submission.dir, task?.file ?? ''), kind: task?.payload.kind ?? 'fn' };
  });
  if (report) outputs['report.html'] = report;
  return outputs;
}
