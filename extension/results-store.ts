// What the extension knows about every checked declaration: its last report, whether a run is going,
// and whether the code changed since the report (outdated). The lenses, diagnostics, Test Explorer, status
// bar and heatmap all read from here and listen for changes, so they never disagree. No vscode import.

import type { FileResult } from '../core/engine/api';
import type { DeclarationReport, Finding, RunTotals } from '../core/report/types';
import type { LensState } from './lens-title';

export interface DeclarationState {
  report?: DeclarationReport;
  /** The code changed after this report was made: it must not be shown as current. */
  outdated: boolean;
  running: boolean;
}

interface FileState {
  declarations: Map<string, DeclarationState>;
  /** Problems with the file as a whole from its last finished run (a compile error, a failing import). */
  findings: Finding[];
  findingsOutdated: boolean;
  running: boolean;
}

export type ChangeListener = (file: string) => void;

export class ResultsStore {
  private readonly files = new Map<string, FileState>();
  private readonly listeners = new Set<ChangeListener>();

  onDidChange(listener: ChangeListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(file: string): void {
    for (const listener of this.listeners) listener(file);
  }

  private file(file: string): FileState {
    let state = this.files.get(file);
    if (!state) {
      state = { declarations: new Map(), findings: [], findingsOutdated: false, running: false };
      this.files.set(file, state);
    }
    return state;
  }

  private declaration(file: string, name: string): DeclarationState {
    const declarations = this.file(file).declarations;
    let state = declarations.get(name);
    if (!state) {
      state = { outdated: false, running: false };
      declarations.set(name, state);
    }
    return state;
  }

  /** A run started for these declarations (undefined: every declaration of the file). */
  markRunning(file: string, names: string[] | undefined, known: string[]): void {
    const state = this.file(file);
    state.running = true;
    for (const name of names ?? known) this.declaration(file, name).running = true;
    this.emit(file);
  }

  setReport(report: DeclarationReport): void {
    const state = this.declaration(report.file, report.name);
    state.report = report;
    state.outdated = false;
    state.running = false;
    this.emit(report.file);
  }

  /** A run ended: with a result, an engine failure, or cancelled (neither). */
  finish(file: string, result: FileResult | undefined, error?: unknown): void {
    const state = this.file(file);
    state.running = false;
    for (const declaration of state.declarations.values()) declaration.running = false;
    if (result && !result.cancelled) {
      state.findings = result.findings;
      state.findingsOutdated = false;
      // A file that no longer compiles leaves no report current.
      if (result.findings.some((f) => f.severity === 'error')) for (const d of state.declarations.values()) if (d.report) d.outdated = true;
    } else if (error !== undefined) {
      const message = error instanceof Error ? error.message : String(error);
      state.findings = [{ severity: 'error', code: 'crashed', message: `Gradlens could not check this file: ${message}` }];
      state.findingsOutdated = false;
    }
    this.emit(file);
  }

  /** The file (or something it imports) changed: its results describe older code. */
  markOutdated(file: string): void {
    const state = this.files.get(file);
    if (!state) return;
    let changed = false;
    for (const declaration of state.declarations.values()) {
      if (declaration.report && !declaration.outdated) {
        declaration.outdated = true;
        changed = true;
      }
    }
    if (state.findings.length && !state.findingsOutdated) {
      state.findingsOutdated = true;
      changed = true;
    }
    if (changed) this.emit(file);
  }

  /** Drops results of declarations that are no longer in the file. */
  retain(file: string, names: string[]): void {
    const state = this.files.get(file);
    if (!state) return;
    let changed = false;
    for (const name of [...state.declarations.keys()]) {
      if (!names.includes(name) && !state.declarations.get(name)!.running) {
        state.declarations.delete(name);
        changed = true;
      }
    }
    if (changed) this.emit(file);
  }

  /** Forgets a file (deleted). */
  remove(file: string): void {
    if (this.files.delete(file)) this.emit(file);
  }

  get(file: string, name: string): DeclarationState | undefined {
    return this.files.get(file)?.declarations.get(name);
  }

  report(file: string, name: string): DeclarationReport | undefined {
    return this.get(file, name)?.report;
  }

  reports(file: string): DeclarationReport[] {
    const state = this.files.get(file);
    return state ? [...state.declarations.values()].flatMap((d) => (d.report ? [d.report] : [])) : [];
  }

  isOutdated(file: string, name: string): boolean {
    return this.get(file, name)?.outdated ?? false;
  }

  fileFindings(file: string): { findings: Finding[]; outdated: boolean } {
    const state = this.files.get(file);
    return { findings: state?.findings ?? [], outdated: state?.findingsOutdated ?? false };
  }

  isRunning(file: string): boolean {
    return this.files.get(file)?.running ?? false;
  }

  checkedFiles(): string[] {
    return [...this.files.keys()];
  }

  lensState(file: string, name: string, trusted: boolean): LensState {
    const state = this.get(file, name);
    if (!trusted && !state?.report) return { kind: 'untrusted' };
    if (state?.running) return state.report ? { kind: 'done', report: state.report, outdated: true, running: true } : { kind: 'running' };
    const fileState = this.files.get(file);
    const fileError = fileState && !fileState.findingsOutdated ? fileState.findings.find((f) => f.severity === 'error') : undefined;
    if (fileError && (!state?.report || state.outdated)) return { kind: 'fileError', finding: fileError };
    if (state?.report) return { kind: 'done', report: state.report, outdated: state.outdated, running: false };
    return { kind: 'idle' };
  }

  /** Current (not outdated) verdicts over every file, for the status bar. */
  totals(): RunTotals & { outdated: number } {
    const totals = { pass: 0, warn: 0, fail: 0, error: 0, outdated: 0 };
    for (const state of this.files.values()) {
      for (const d of state.declarations.values()) {
        if (!d.report) continue;
        if (d.outdated) totals.outdated++;
        else totals[d.report.status]++;
      }
    }
    return totals;
  }
}
