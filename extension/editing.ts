// Reacts to the code changing: an edit makes results outdated and cancels the run it supersedes; a save
// (or a pause in typing, when checking on type) starts a check; saving an imported file re-checks the files
// that import it; trust being granted starts the checks Restricted Mode held back.

import * as vscode from 'vscode';
import type { Checker } from './checker';
import { checkOnSave, checkOnType, checkOnTypeDelay } from './config';
import { DeclarationIndex } from './declaration-index';
import type { ResultsStore } from './results-store';

/** A file-system change this soon after the editor saved the file is that save, already being checked. */
const OWN_SAVE_MS = 2000;

export class EditWatcher implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** When each file was last saved from the editor (the watcher reports those writes as changes too). */
  private readonly saved = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly checker: Checker,
    private readonly store: ResultsStore,
    private readonly index: DeclarationIndex,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.onSave(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.index.forget(d.uri)),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.forget(uri))),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.checkOpenDocuments('trust granted')),
    );
    // Files changed outside the editor (git, a formatter, another tool) outdate what was built from them.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{ts,mts,cts,js,mjs,cjs}', true, false, true);
    this.subscriptions.push(
      watcher,
      watcher.onDidChange((uri) => this.onExternalChange(uri)),
    );
  }

  private hasDeclarations(document: vscode.TextDocument): boolean {
    return this.index.declarations(document).length > 0;
  }

  private onChange(event: vscode.TextDocumentChangeEvent): void {
    const { document } = event;
    if (!event.contentChanges.length || !DeclarationIndex.isCandidate(document)) return;
    const file = document.uri.fsPath;
    this.outdate(document.uri);
    // The running check (if any) describes text that no longer exists.
    this.checker.scheduler.cancel(file);
    for (const dependent of this.checker.dependents(document.uri)) this.checker.scheduler.cancel(dependent.fsPath);
    if (checkOnType(document.uri) && this.hasDeclarations(document)) this.debounce(document);
  }

  private debounce(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (document.isClosed) return;
        void this.checker.check({ uri: document.uri, unsaved: true, reason: 'type' });
      }, checkOnTypeDelay(document.uri)),
    );
  }

  private onSave(document: vscode.TextDocument): void {
    if (!DeclarationIndex.isCandidate(document) || !checkOnSave(document.uri)) return;
    const key = document.uri.toString();
    this.saved.set(key, Date.now());
    // The save supersedes a pending on-type check of the same text.
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (this.hasDeclarations(document)) void this.checker.check({ uri: document.uri, reason: 'save' });
    for (const dependent of this.checker.dependents(document.uri)) {
      if (dependent.toString() !== key) void this.checker.check({ uri: dependent, reason: `${vscode.workspace.asRelativePath(document.uri)} changed` });
    }
  }

  private onExternalChange(uri: vscode.Uri): void {
    // Changes made in an open editor are handled by onChange/onSave; a save's own write is not a second change.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    const saved = this.saved.get(uri.toString());
    if (saved !== undefined && Date.now() - saved < OWN_SAVE_MS) return;
    const dependents = this.checker.dependents(uri);
    const checked = this.store.reports(uri.fsPath).length > 0;
    if (!dependents.length && !checked) return;
    this.outdate(uri);
    if (!checkOnSave(uri)) return;
    if (checked) void this.checker.check({ uri, reason: 'changed on disk' });
    for (const dependent of dependents) void this.checker.check({ uri: dependent, reason: `${vscode.workspace.asRelativePath(uri)} changed on disk` });
  }

  /** Marks a file's results and those of every file built from it outdated. */
  private outdate(uri: vscode.Uri): void {
    this.store.markOutdated(uri.fsPath);
    for (const dependent of this.checker.dependents(uri)) this.store.markOutdated(dependent.fsPath);
  }

  /** Checks the open model files (after trust is granted, or a setting that changes verdicts). */
  checkOpenDocuments(reason: string, onlyChecked = false): void {
    for (const document of vscode.workspace.textDocuments) {
      if (!DeclarationIndex.isCandidate(document) || !this.hasDeclarations(document)) continue;
      if (onlyChecked && !this.store.reports(document.uri.fsPath).length) continue;
      void this.checker.check({ uri: document.uri, unsaved: true, reason });
    }
  }

  private forget(uri: vscode.Uri): void {
    this.checker.scheduler.cancel(uri.fsPath);
    this.checker.scheduler.forget(uri.fsPath);
    this.store.remove(uri.fsPath);
    this.index.forget(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const s of this.subscriptions) s.dispose();
  }
}
