// Grades a class: compiles the assignment and runs its plan in a trusted child, then every submission in its
// own confined child (several submissions at once, one per core), and writes every output. Scores are
// computed here, in the parent, from raw numbers; a finished student is stored atomically and skipped when
// an interrupted run is resumed.

import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileModelFile } from '../runner/compile';
import { WorkerPool } from '../runner/pool';
import type { AssignmentPlan } from './plan';
import { gradeSubmission, notGradedResult } from './grade-submission';
import { writeClassOutputs } from './outputs/write';
import type { ClassResult, StudentResult } from './results';
import { detectSandbox, type Sandbox, type SandboxOptions } from './sandbox';
import { itemSlots, taskLayout } from './score';
import { ResultStore } from './store';
import type { Submission } from './submissions';
import { confinedDir, confinedFile, makeWorkDir, privateDir, removeWorkDir } from './workdir';

export interface GradeProgress {
  done: number;
  total: number;
  student: string;
  /** The stored result was reused (resume). */
  reused: boolean;
  result: StudentResult;
}

export interface GradeOptions {
  /** The assignment file (TypeScript, `export default assignment({...})`). */
  assignment: string;
  submissions: Submission[];
  /** Grade only these students; the others' stored results still go into the class files. */
  only?: string[];
  outDir: string;
  /** Submissions graded at once (default: the number of cores). */
  jobs?: number;
  /** Grade again even when a stored result matches (default false: resume). */
  regrade?: boolean;
  sandbox?: SandboxOptions;
  /** Overrides the assignment's per-task time limit (ms). */
  timeLimitMs?: number;
  /** Overrides the assignment's memory limit (MiB). */
  memoryLimitMb?: number;
  /** The worker script (default: the bundled dist/worker.js; source workers cannot run under the permission model). */
  workerScript?: string;
  signal?: AbortSignal;
  onProgress?: (progress: GradeProgress) => void;
  onSandbox?: (sandbox: Sandbox) => void;
  /** Write the class outputs (gradebook, JUnit, summary); default true. */
  classOutputs?: boolean;
}

export interface GradeRun {
  result: ClassResult;
  plan: AssignmentPlan;
  sandbox: Sandbox;
  /** Files written for the class as a whole. */
  files: string[];
  timeMs: number;
  graded: number;
  reused: number;
}

/** The bundled worker next to the CLI (dist/worker.js), or the repository's dist when running from sources. */
export function bundledWorkerScript(): string {
  const here = __dirname;
  const candidates = [path.join(here, 'worker.js'), path.resolve(here, '..', '..', 'dist', 'worker.js')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** Compiles the assignment and runs its plan (every reference's own check) in a trusted child. */
export async function loadPlan(
  assignmentFile: string,
  workDir: string,
  workerScript: string,
  signal?: AbortSignal,
): Promise<{ plan: AssignmentPlan; hash: string }> {
  // The reference solution is in this bundle: a folder no submission's process (nor any other user) can read.
  const compiled = await compileModelFile(path.resolve(assignmentFile), { cacheDir: privateDir(path.join(workDir, 'assignment')) });
  if (!compiled.ok || !compiled.path) {
    const why = compiled.findings.map((f) => `${f.location ? `${f.location.file}:${f.location.start.line + 1}: ` : ''}${f.message}`).join('\n');
    throw new Error(`The assignment file does not compile:\n${why}`);
  }
  chmodSync(compiled.path, 0o600);
  const trusted = new WorkerPool({ size: 1, memoryLimitMb: 4096, workerScript });
  try {
    const outcome = await trusted.run<AssignmentPlan>({ type: 'grade:plan', bundlePath: compiled.path, payload: null }, { timeLimitMs: 300_000, signal });
    if (!outcome.ok) throw new Error(`The assignment could not be prepared (${outcome.kind}): ${outcome.message}`);
    validatePlan(outcome.result);
    return { plan: outcome.result, hash: compiled.hash };
  } finally {
    await trusted.dispose();
  }
}

/** Mistakes in the assignment that would silently cost every student points. */
function validatePlan(plan: AssignmentPlan): void {
  const problems: string[] = [];
  for (const task of plan.tasks) {
    if (!task.reference) continue;
    const { unknownKeys } = itemSlots(task.points, task.reference.tensors, true);
    if (unknownKeys.length) {
      const names = task.reference.tensors.map((t) => (t.gradientKey ? `${t.path} (${t.gradientKey})` : t.path)).join(', ');
      problems.push(`task '${task.name}' gives points for ${unknownKeys.map((k) => `'${k}'`).join(', ')}, but it checks ${names}`);
    }
  }
  if (problems.length) throw new Error(`The assignment's points do not match its gradients:\n  ${problems.join('\n  ')}`);
}

/**
 * A copy of the worker bundle in the scratch folder. The installed one may sit where an unprivileged user
 * cannot read (Gradescope's /autograder/source); the bundle is self-contained, with its source map beside it.
 */
function copyWorker(workerScript: string, workDir: string, sandbox: Sandbox): string {
  const dir = confinedDir(path.join(workDir, 'runtime'), sandbox);
  const target = path.join(dir, path.basename(workerScript));
  copyFileSync(workerScript, target);
  confinedFile(target, sandbox);
  if (existsSync(`${workerScript}.map`)) {
    copyFileSync(`${workerScript}.map`, `${target}.map`);
    confinedFile(`${target}.map`, sandbox);
  }
  return target;
}

/**
 * Runs `work` over `items` with at most `limit` running at once, in order of start. A failure of one item never
 * stops the others (nor ends the run while they still use the scratch folder): it goes to `failed`.
 */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>, failed: (item: T, error: unknown) => void): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((error: unknown) => failed(item, error));
    }
  });
  await Promise.all(runners);
}

export async function gradeClass(options: GradeOptions): Promise<GradeRun> {
  const started = performance.now();
  const workerScript = options.workerScript ?? bundledWorkerScript();
  const sandbox = await detectSandbox(options.sandbox);
  options.onSandbox?.(sandbox);
  const workDir = makeWorkDir(sandbox);
  try {
    const { plan, hash } = await loadPlan(options.assignment, workDir, workerScript, options.signal);
    const confinedWorker = copyWorker(workerScript, workDir, sandbox);
    const store = new ResultStore(path.resolve(options.outDir));
    mkdirSync(store.outDir, { recursive: true });
    const results = new Map<string, StudentResult>();
    let done = 0;
    let reused = 0;
    const jobs = options.jobs ?? Math.max(1, os.availableParallelism());
    const only = options.only ? new Set(options.only) : null;
    const total = only ? only.size : options.submissions.length;
    const record = (submission: Submission, outcome: { result: StudentResult; reused: boolean }, storedOnly: boolean) => {
      results.set(submission.student, outcome.result);
      if (storedOnly) return;
      if (outcome.reused) reused++;
      done++;
      options.onProgress?.({ done, total, student: submission.student, reused: outcome.reused, result: outcome.result });
    };
    const grade = async (submission: Submission) => {
      if (options.signal?.aborted) return;
      const storedOnly = !!only && !only.has(submission.student);
      const outcome = await gradeSubmission({
        submission,
        plan,
        assignmentHash: hash,
        store,
        sandbox,
        workDir,
        workerScript: confinedWorker,
        regrade: !!options.regrade,
        storedOnly,
        timeLimitMs: options.timeLimitMs,
        memoryLimitMb: options.memoryLimitMb ?? plan.memoryLimitMb,
        signal: options.signal,
      });
      if (outcome) record(submission, outcome, storedOnly);
    };
    // gradeSubmission turns its own failures into a not-graded result; this is the last line, should storing fail too.
    const failed = (submission: Submission, error: unknown) => {
      if (only && !only.has(submission.student)) return;
      record(submission, { result: notGradedResult(submission, plan, hash, error), reused: false }, false);
    };
    await eachLimited(options.submissions, jobs, grade, failed);
    const students = options.submissions.map((s) => results.get(s.student)).filter((r): r is StudentResult => !!r);
    const maxScore = plan.tasks.reduce((a, t) => a + (typeof t.points === 'number' ? t.points : Object.values(t.points).reduce((x, y) => x + y, 0)), 0);
    const result: ClassResult = { assignment: plan.title, maxScore, tasks: plan.tasks.map(taskLayout), students };
    // An interrupted run leaves the class files as they were: the next run completes and writes them.
    const files = options.classOutputs === false || options.signal?.aborted ? [] : await writeClassOutputs(store, result);
    return { result, plan, sandbox, files, timeMs: performance.now() - started, graded: done - reused, reused };
  } finally {
    removeWorkDir(workDir);
  }
}
