// `gradlens grade`: grade a class folder, one submission in Gradescope's layout, or build the Gradescope
// autograder zip. Registered on the CLI by core/cli/main.ts.

import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import pc from 'picocolors';
import { runAutograder, autograderRoot } from './autograder';
import { buildGradescopeBundle } from './bundle';
import { describeDenials } from './grade-task';
import { gradeClass, type GradeProgress } from './grader';
import { roundScore } from './results';
import { listSubmissions } from './submissions';

interface GradeFlags {
  out: string;
  jobs?: string;
  regrade?: boolean;
  student?: string[];
  timeLimit?: string;
  memoryLimit?: string;
  permissions: boolean;
  runAs: 'auto' | 'never' | 'always';
  gradescope?: boolean;
  gradescopeBundle?: string;
  json?: boolean;
  progress: boolean;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes a positive integer, got '${value}'`);
  return n;
}

/** A progress bar on a terminal; a line per student otherwise (CI logs, Gradescope's stdout). */
function progressReporter(total: number, enabled: boolean): { start(): void; update(p: GradeProgress): void; stop(): void } {
  if (enabled && process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'grading [{bar}] {value}/{total} submissions · {eta_formatted} left · {student}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    });
    let running = false;
    return {
      // Started once the sandbox lines are printed, so they do not tear through the bar.
      start: () => {
        if (!running) bar.start(total, 0, { student: '' });
        running = true;
      },
      update: (p) => bar.update(p.done, { student: `${p.student} ${roundScore(p.result.score)}/${roundScore(p.result.maxScore)}` }),
      stop: () => {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  return {
    start: () => undefined,
    update: (p) =>
      process.stderr.write(
        `[${p.done}/${p.total}] ${p.student}: ${p.result.notGraded ? `not graded (${p.result.notGraded}; the next run grades it again)` : `${roundScore(p.result.score)}/${roundScore(p.result.maxScore)}`}${p.reused ? ' (already graded)' : ''}\n`,
      ),
    stop: () => undefined,
  };
}

/**
 * Ctrl-C or SIGTERM stops cleanly: finished students are stored, the scratch folder is removed, and the next run
 * resumes after them. A second signal ends the process at once ('exit' still removes the scratch folder).
 */
function stopOnSignals(controller: AbortController): { exitCode: () => number; dispose: () => void } {
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) process.exit(exitCodeOf(signal));
    received = signal;
    controller.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, handler);
  return {
    exitCode: () => exitCodeOf(received ?? 'SIGINT'),
    dispose: () => {
      for (const signal of signals) process.removeListener(signal, handler);
    },
  };
}

/** The shell's convention: 128 + the signal's number. */
function exitCodeOf(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 2);
}

async function gradeFolder(assignment: string, folder: string, flags: GradeFlags): Promise<void> {
  const submissions = await listSubmissions(folder);
  if (!submissions.length) throw new Error(`${folder} has no submission folders (one folder per student)`);
  const unknown = (flags.student ?? []).filter((s) => !submissions.some((x) => x.student === s));
  if (unknown.length) throw new Error(`no submission folder for ${unknown.join(', ')} in ${folder}`);
  const total = flags.student?.length ? new Set(flags.student).size : submissions.length;
  const controller = new AbortController();
  const signals = stopOnSignals(controller);
  const progress = progressReporter(total, flags.progress && !flags.json);
  try {
    const run = await gradeClass({
      assignment,
      submissions,
      only: flags.student?.length ? flags.student : undefined,
      outDir: flags.out,
      jobs: positiveInt(flags.jobs, 'jobs'),
      regrade: flags.regrade,
      timeLimitMs: positiveInt(flags.timeLimit, 'time-limit'),
      memoryLimitMb: positiveInt(flags.memoryLimit, 'memory-limit'),
      sandbox: { permissions: flags.permissions, dropPrivileges: flags.runAs },
      signal: controller.signal,
      onSandbox: (s) => {
        if (!flags.json) for (const note of s.notes) process.stderr.write(pc.dim(`sandbox: ${note}\n`));
        progress.start();
      },
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    if (controller.signal.aborted) {
      process.stderr.write(`interrupted: ${run.graded + run.reused} of ${total} graded and stored; run the same command again to resume\n`);
      process.exitCode = signals.exitCode();
      return;
    }
    if (flags.json) {
      process.stdout.write(
        JSON.stringify(
          {
            assignment: run.result.assignment,
            maxScore: run.result.maxScore,
            students: run.result.students.map((s) => ({ student: s.student, score: s.score, maxScore: s.maxScore })),
          },
          null,
          1,
        ) + '\n',
      );
      return;
    }
    const perMinute = run.graded ? (run.graded / run.timeMs) * 60_000 : 0;
    const scores = run.result.students.map((s) => s.score);
    const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
    process.stdout.write(
      `${run.result.assignment}: ${run.result.students.length} submissions, mean ${mean.toFixed(1)} / ${roundScore(run.result.maxScore)}` +
        ` (${run.graded} graded, ${run.reused} already graded; ${(run.timeMs / 1000).toFixed(1)} s${run.graded ? `, ${perMinute.toFixed(0)} submissions/min` : ''})\n`,
    );
    const refused = run.result.students.flatMap((st) =>
      st.tasks.filter((t) => t.denials?.length).map((t) => `${st.student} · ${t.name}: ${describeDenials(t.denials!)}`),
    );
    if (refused.length) {
      process.stdout.write(pc.yellow(`refused accesses (each costs its task all points):\n`));
      for (const line of refused) process.stdout.write(`  ${line}\n`);
    }
    for (const file of run.files) process.stdout.write(`  ${path.relative(process.cwd(), file) || file}\n`);
    process.stdout.write(
      `  ${path.relative(process.cwd(), path.join(flags.out, 'students')) || 'students'}/<student>/ (feedback.txt, feedback.html, report.html, results.json)\n`,
    );
  } finally {
    progress.stop();
    signals.dispose();
  }
}

export function registerGradeCommand(program: Command): void {
  program
    .command('grade')
    .description('Grade backprop homework: every student folder against an assignment file (scores, feedback, gradebook)')
    .argument('<assignment>', 'the assignment file (export default assignment({ title, tasks }))')
    .argument('[submissions]', 'the folder with one subfolder per student')
    .option('-o, --out <dir>', 'where results go', 'grades')
    .option('-j, --jobs <n>', `submissions graded at once (default: the number of cores, ${os.availableParallelism()})`)
    .option('--regrade', 'grade every submission again (default: resume, skipping unchanged graded submissions)')
    .option('--student <names...>', 'only these students (folder names)')
    .option('--time-limit <ms>', "per-task time limit in one submission (overrides the assignment's)")
    .option('--memory-limit <mb>', "memory limit of a submission's process (overrides the assignment's)")
    .option('--no-permissions', "do not confine submissions with Node's permission model (not recommended)")
    .option('--run-as <mode>', "as root, run submissions as 'nobody': auto | never | always", 'auto')
    .option('--gradescope', "grade the one submission in Gradescope's layout ($GRADLENS_AUTOGRADER_ROOT, default /autograder)")
    .option('--gradescope-bundle <zip>', 'build the Gradescope autograder zip for this assignment and exit')
    .option('--json', 'print scores as JSON on stdout')
    .option('--no-progress', 'no progress bar')
    .action(async (assignment: string, submissions: string | undefined, flags: GradeFlags) => {
      if (!['auto', 'never', 'always'].includes(flags.runAs)) throw new Error(`--run-as takes auto, never or always, got '${flags.runAs}'`);
      if (flags.gradescopeBundle) {
        const zip = await buildGradescopeBundle({ assignment, out: flags.gradescopeBundle });
        process.stdout.write(
          `wrote ${zip.path} (${zip.files.length} files, ${(zip.bytes / 1024).toFixed(0)} KiB): upload it as the autograder of a Gradescope programming assignment\n`,
        );
        return;
      }
      if (flags.gradescope) {
        const controller = new AbortController();
        const signals = stopOnSignals(controller);
        try {
          const result = await runAutograder({
            assignment,
            root: autograderRoot(),
            sandbox: { permissions: flags.permissions, dropPrivileges: flags.runAs },
            timeLimitMs: positiveInt(flags.timeLimit, 'time-limit'),
            signal: controller.signal,
          });
          process.stdout.write(`${result.output}\n`);
        } finally {
          signals.dispose();
        }
        return;
      }
      if (!submissions) throw new Error('give the folder of submissions (one subfolder per student), or --gradescope / --gradescope-bundle');
      await gradeFolder(path.resolve(assignment), path.resolve(submissions), flags);
    });
}
