// Decides when and what to check, and refuses to run anything in an untrusted workspace. Connects the
// scheduler (engine runs) to the results store (what the views show) and the log.

import * as vscode from 'vscode';
import type { FileResult } from '../core/engine/api';
import type { DeclarationReport } from '../core/report/types';
import { checkOverrides } from './config';
import type { DeclarationIndex } from './declaration-index';
import { duration } from './format';
import type { ResultsStore } from './results-store';
import { CheckScheduler, type CheckJob } from './scheduler';
import type { EngineHost } from './engine-host';
import { EvaluationProgressStore } from './evaluation-progress';

export interface CheckTarget {
  uri: vscode.Uri;
  names?: string[];
  /** Check the unsaved editor text rather than the file on disk. */
  unsaved?: boolean;
  reason: string;
}

export class Checker implements vscode.Disposable {
  readonly scheduler: CheckScheduler;
  /** Evaluations of the declarations running now (long checks), for the lenses and the status bar. */
  readonly progress = new EvaluationProgressStore();
  private readonly startedJob = new vscode.EventEmitter<CheckJob>();
  /** Fires when a file's run starts, whatever asked for it (a lens, a save, typing, Test Explorer, a command). */
  readonly onDidStart = this.startedJob.event;
  private readonly reported = new vscode.EventEmitter<{ job: CheckJob; report: DeclarationReport }>();
  /** Fires for every declaration's result, as it is stored (Test Explorer records it in the job's run). */
  readonly onDidReport = this.reported.event;
  private readonly finished = new vscode.EventEmitter<{ job: CheckJob; result: FileResult | undefined; error?: unknown }>();
  /** Fires after each file's run ends (also cancelled ones); tests and the status bar wait on it. */
  readonly onDidFinish = this.finished.event;
  private readonly runningChanged = new vscode.EventEmitter<boolean>();
  readonly onDidChangeRunning = this.runningChanged.event;
  private readonly started = new Map<string, number>();
  /** Reports already stored through onReport (weak: reports are dropped with their runs). */
  private readonly announced = new WeakSet<DeclarationReport>();

  constructor(
    private readonly engines: EngineHost,
    private readonly store: ResultsStore,
    private readonly index: DeclarationIndex,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.scheduler = new CheckScheduler(() => this.engines.get(), {
      onStart: (job) => this.onStart(job),
      onReport: (job, report) => this.onReport(job, report),
      onEvaluations: (_job, progress) => this.progress.update(progress),
      onFinish: (job, result, error) => this.onFinish(job, result, error),
    });
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /**
   * Checks declarations of a file. Resolves with the result, or undefined when nothing ran (untrusted, no
   * declarations, superseded before it started).
   */
  async check(target: CheckTarget): Promise<FileResult | undefined> {
    if (!this.trusted) {
      this.log.info(`not checking ${vscode.workspace.asRelativePath(target.uri)} (${target.reason}): the workspace is not trusted (Restricted Mode)`);
      return undefined;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri.toString());
    const declarations = document ? this.index.declarations(document) : await this.index.declarationsOnDisk(target.uri);
    if (!declarations.length) return undefined;
    const text = target.unsaved && document?.isDirty ? document.getText() : undefined;
    return this.scheduler.check({
      file: target.uri.fsPath,
      names: target.names,
      text,
      overrides: checkOverrides(target.uri),
      reason: target.reason,
    });
  }

  /** The files whose last check imported `uri` (other than itself): to re-check when it is saved. */
  dependents(uri: vscode.Uri): vscode.Uri[] {
    return this.scheduler.dependents(uri.fsPath).map((file) => vscode.Uri.file(file));
  }

  private readonly stopped = new vscode.EventEmitter<void>();
  /** Fires on Stop: longer runs (Check Workspace) end instead of moving on to their next file. */
  readonly onDidStop = this.stopped.event;

  stop(): void {
    if (this.scheduler.isRunning()) this.log.info('stopping every running check');
    this.stopped.fire();
    this.scheduler.cancelAll();
  }

  get isRunning(): boolean {
    return this.scheduler.isRunning();
  }

  private knownNames(file: string): string[] {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    return document ? this.index.declarations(document).map((d) => d.name) : this.store.reports(file).map((r) => r.name);
  }

  private onStart(job: CheckJob): void {
    this.started.set(job.file, Date.now());
    // Whatever a superseded run of this file last said is not this run's progress.
    this.progress.clear(job.file);
    this.log.info(
      `checking ${vscode.workspace.asRelativePath(job.file)}${job.names ? ` [${job.names.join(', ')}]` : ''} (${job.reason}${job.text !== undefined ? ', unsaved text' : ''})`,
    );
    this.store.markRunning(job.file, job.names, this.knownNames(job.file));
    this.startedJob.fire(job);
    this.runningChanged.fire(true);
  }

  private onReport(job: CheckJob, report: DeclarationReport): void {
    this.log.info(`  ${report.name}: ${report.status}: ${report.summary} (check ${duration(report.checkMs)}, ${duration(report.timeMs)} in all)`);
    this.announced.add(report);
    this.progress.clear(report.file, report.name);
    this.store.setReport(report);
    this.reported.fire({ job, report });
  }

  private onFinish(job: CheckJob, result: FileResult | undefined, error: unknown): void {
    const ms = Date.now() - (this.started.get(job.file) ?? Date.now());
    const where = vscode.workspace.asRelativePath(job.file);
    if (error !== undefined) this.log.error(`checking ${where} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    else if (!result || result.cancelled) this.log.info(`check of ${where} cancelled after ${duration(ms)}`);
    else {
      for (const finding of result.findings) this.log.warn(`  ${where}: ${finding.code}: ${finding.message}`);
      this.log.info(`checked ${where} in ${duration(ms)}`);
    }
    // Reports the engine returned without announcing them through onReport (a file that failed to load
    // reports every declaration at once) are results too.
    if (result && !result.cancelled) {
      for (const report of result.declarations) {
        if (this.store.report(report.file, report.name) === report || this.announced.has(report)) continue;
        this.store.setReport(report);
        this.reported.fire({ job, report });
      }
    }
    this.progress.clear(job.file);
    this.store.finish(job.file, result, error);
    this.finished.fire({ job, result, error });
    this.runningChanged.fire(this.scheduler.isRunning());
  }

  dispose(): void {
    this.scheduler.cancelAll();
    this.progress.dispose();
    this.stopped.dispose();
    this.startedJob.dispose();
    this.reported.dispose();
    this.finished.dispose();
    this.runningChanged.dispose();
  }
}
