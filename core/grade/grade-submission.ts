// One student: find and compile their files (in this trusted process, refusing imports from outside their
// folder), run each task in one confined child of their own, score, and store the result atomically.

import { chmodSync, mkdirSync } from 'node:fs';
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
import { isInside, locateTaskFile, outsideLinks, submissionFiles, type Submission } from './submissions';
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

/** Where a task's code comes from: its compiled bundle, or why there is none. */
type TaskSource = { bundlePath: string } | { error: TaskError };

/** Finds and compiles the student's files, once per file; a compiled file serves every task that uses it. */
class StudentSources {
  private readonly compiled = new Map<string, Promise<TaskSource>>();
  private links?: Promise<string[]>;

  constructor(
    private readonly submission: Submission,
    private readonly files: string[],
    private readonly bundleDir: string,
  ) {}

  async forTask(task: PlannedTask): Promise<{ file: string; note?: string; source: TaskSource }> {
    const { submission } = this;
    const located = locateTaskFile(submission, task.file, this.files);
    const file = located.ok ? located.file : path.join(submission.dir, task.file);
    this.links ??= outsideLinks(submission.dir);
    const links = await this.links;
    if (links.length) {
      const message = `the submission contains links to files outside its folder (${links.join(', ')}), which is not allowed`;
      return { file, source: { error: { code: 'forbidden-import', message } } };
    }
    if (!located.ok) return { file, source: { error: { code: 'missing-file', message: located.message } } };
    let source = this.compiled.get(file);
    if (!source) {
      source = this.compile(file);
      this.compiled.set(file, source);
    }
    return { file, ...(located.note ? { note: located.note } : {}), source: await source };
  }

  private async compile(file: string): Promise<TaskSource> {
    const dir = this.submission.dir;
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
      return { error: { code: 'compile-error', message: `it does not compile: ${f?.message ?? 'unknown error'}`, ...(where ? { where } : {}) } };
    }
    return { bundlePath: compiled.path };
  }
}

/** The submission's own child process: reads only its folder and bundles, writes nothing, runs as nobody when root. */
function confinedPool(job: SubmissionJob, bundleDir: string): WorkerPool {
  const readable = [bundleDir, job.submission.dir, path.dirname(job.workerScript)];
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

/** Grades one submission (or reuses its stored result); null when cancelled, or when only a stored result would do and there is none. */
export async function gradeSubmission(job: SubmissionJob): Promise<{ result: StudentResult; reused: boolean } | null> {
  const { submission, plan, store } = job;
  const started = performance.now();
  const files = await submissionFiles(submission.dir);
  const submissionHash = await hashSubmission(files, submission.dir);
  if (!job.regrade || job.storedOnly) {
    const stored = await store.reusable(submission.student, job.assignmentHash, submissionHash);
    if (stored) return { result: stored, reused: true };
  }
  if (job.storedOnly) return null;

  // This student's bundles only: the confined process may read this folder and no other student's.
  const bundleDir = path.join(job.workDir, 'students', safeName(submission.student));
  mkdirSync(bundleDir, { recursive: true });
  chmodSync(path.dirname(bundleDir), 0o755);
  chmodSync(bundleDir, 0o755);
  const sources = new StudentSources(submission, files, bundleDir);
  const pool = confinedPool(job, bundleDir);
  const tasks: TaskOutcome[] = [];
  // What happened when a file loaded (a throw, a kill, a refused access at import) costs every task of that file.
  const atImport = new Map<string, { error: TaskError; denials?: Denial[] } | { denials: Denial[] }>();
  try {
    for (const task of plan.tasks) {
      if (job.signal?.aborted) return null;
      const taskStarted = performance.now();
      const { file, note, source } = await sources.forTask(task);
      const ctx: TaskContext = { task, file, dir: submission.dir, ...(note ? { note } : {}) };
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
      const outcome = await pool.run(
        { type: 'grade:submission', bundlePath: source.bundlePath, payload: task.payload },
        { timeLimitMs: job.timeLimitMs ?? task.timeLimitMs, signal: job.signal },
      );
      if (!outcome.ok && outcome.kind === 'cancelled' && job.signal?.aborted) return null;
      const graded = gradeTask(ctx, outcome, performance.now() - taskStarted);
      if (!outcome.ok && outcome.phase === 'load' && graded.error)
        atImport.set(source.bundlePath, { error: graded.error, ...(graded.denials ? { denials: graded.denials } : {}) });
      const loadDenials = outcome.ok ? ((outcome.result as SubmissionReply | undefined)?.denials ?? []).filter((d) => d.phase === 'load') : [];
      if (loadDenials.length) atImport.set(source.bundlePath, { denials: loadDenials });
      tasks.push(graded);
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
  await store.save(result, studentOutputs(result, plan, submission));
  return { result, reused: false };
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
