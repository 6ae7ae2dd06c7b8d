// Runs checks file by file on the engine: at most one run per file, a newer request cancels the run it
// supersedes, and each file's last dependencies are remembered so that saving an imported file re-checks
// the files that import it. No vscode import: unit-tested with a fake engine.

import type { CheckOverrides, CheckRequest, EvaluationProgress, FileResult } from '../core/engine/api';
import type { DeclarationReport } from '../core/report/types';

/** The part of the engine the scheduler uses (the real Engine, or a fake in tests). */
export interface CheckEngine {
  checkFile(request: CheckRequest): Promise<FileResult>;
}

export interface CheckJob {
  file: string;
  /** Declarations to check; undefined: all of them. */
  names?: string[];
  /** Unsaved editor text; undefined: read the file from disk. */
  text?: string;
  overrides?: CheckOverrides;
  /** Why it runs, for the log ('save', 'type', 'dependency', 'command'...). */
  reason: string;
}

export interface SchedulerHooks {
  onStart(job: CheckJob): void;
  onReport(job: CheckJob, report: DeclarationReport): void;
  /** Evaluations of a declaration still running (long checks only; never after its report or a cancel). */
  onEvaluations?(job: CheckJob, progress: EvaluationProgress): void;
  /**
   * Called once per started job: with the result, with the error the engine threw, or with neither when
   * the job was cancelled (superseded or stopped) before the engine produced a result.
   */
  onFinish(job: CheckJob, result: FileResult | undefined, error?: unknown): void;
}

interface Running {
  job: CheckJob;
  controller: AbortController;
  done: Promise<FileResult | undefined>;
  started: boolean;
}

export class CheckScheduler {
  private readonly running = new Map<string, Running>();
  /** file → the local files its last bundle was built from. */
  private readonly dependencies = new Map<string, Set<string>>();

  constructor(
    private readonly engine: () => Promise<CheckEngine>,
    private readonly hooks: SchedulerHooks,
  ) {}

  /**
   * Checks a file. A run already going for the same file is cancelled and its declarations are folded into
   * this one, so a save during a check of another declaration still checks both.
   */
  check(job: CheckJob): Promise<FileResult | undefined> {
    const previous = this.running.get(job.file);
    let merged = job;
    if (previous) {
      previous.controller.abort();
      const names = previous.job.names === undefined || job.names === undefined ? undefined : [...new Set([...previous.job.names, ...job.names])];
      merged = { ...job, names };
    }
    const controller = new AbortController();
    const entry: Running = { job: merged, controller, done: Promise.resolve(undefined), started: false };
    this.running.set(job.file, entry);
    entry.done = this.execute(entry, previous?.done);
    return entry.done;
  }

  private async execute(entry: Running, previous: Promise<unknown> | undefined): Promise<FileResult | undefined> {
    const { job, controller } = entry;
    // Let the superseded run wind down first, so its late reports cannot land after this run's.
    if (previous) await previous.catch(() => undefined);
    if (controller.signal.aborted) return this.finish(entry, undefined);
    entry.started = true;
    this.hooks.onStart(job);
    // A worker's last progress message can arrive after its declaration's report: it must not bring back a
    // "checking…" for a declaration that is done.
    const reported = new Set<string>();
    try {
      const engine = await this.engine();
      const result = await engine.checkFile({
        file: job.file,
        names: job.names,
        text: job.text,
        overrides: job.overrides,
        signal: controller.signal,
        onReport: (report) => {
          reported.add(report.name);
          if (!controller.signal.aborted) this.hooks.onReport(job, report);
        },
        onEvaluations: this.hooks.onEvaluations
          ? (progress) => {
              if (!controller.signal.aborted && !reported.has(progress.declaration)) this.hooks.onEvaluations?.(job, progress);
            }
          : undefined,
      });
      if (result.dependencies.length) this.dependencies.set(job.file, new Set(result.dependencies));
      return this.finish(entry, result);
    } catch (error) {
      // An engine may reject on abort instead of returning a cancelled result: that is not a failure.
      return this.finish(entry, undefined, controller.signal.aborted ? undefined : error);
    }
  }

  private finish(entry: Running, result: FileResult | undefined, error?: unknown): FileResult | undefined {
    if (this.running.get(entry.job.file) === entry) this.running.delete(entry.job.file);
    // A job cancelled before it started never announced itself, so it has nothing to finish.
    if (entry.started) this.hooks.onFinish(entry.job, result, error);
    return result;
  }

  isRunning(file?: string): boolean {
    return file === undefined ? this.running.size > 0 : this.running.has(file);
  }

  runningJobs(): CheckJob[] {
    return [...this.running.values()].map((r) => r.job);
  }

  cancel(file: string): void {
    this.running.get(file)?.controller.abort();
  }

  cancelAll(): void {
    for (const entry of this.running.values()) entry.controller.abort();
  }

  /** Files (other than `file` itself) whose last check was built from `file`. */
  dependents(file: string): string[] {
    const out: string[] = [];
    for (const [dependent, deps] of this.dependencies) if (dependent !== file && deps.has(file)) out.push(dependent);
    return out;
  }

  /** Forget a file's dependencies (it was deleted or closed for good). */
  forget(file: string): void {
    this.dependencies.delete(file);
  }
}
