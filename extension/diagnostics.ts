// Publishes the store's results as diagnostics: on the expression that produced a wrong gradient (which may
// be in another file than the declaration), on the throwing line for runtime errors, on the declaration for
// kinks. Outdated results stay visible but are demoted to information and say they are outdated.

import * as vscode from 'vscode';
import { diagnosticsEnabled } from './config';
import { declarationDiagnostics, fileFindingDiagnostics, type DiagnosticModel } from './diagnostic-model';
import type { ResultsStore } from './results-store';
import { toLocation, toRange } from './ranges';

const SEVERITY: Record<DiagnosticModel['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gradlens');
  private scheduled = false;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: ResultsStore) {
    this.subscription = store.onDidChange(() => this.schedule());
  }

  /** Coalesces the bursts of changes a run makes (one per declaration) into one publication. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.publish();
    });
  }

  publish(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (model: DiagnosticModel, outdated: boolean) => {
      if (!diagnosticsEnabled(vscode.Uri.file(model.declaration.file))) return;
      const list = byFile.get(model.range.file) ?? [];
      list.push(toDiagnostic(model, outdated));
      byFile.set(model.range.file, list);
    };
    for (const file of this.store.checkedFiles()) {
      for (const report of this.store.reports(file)) {
        const outdated = this.store.isOutdated(file, report.name);
        for (const model of declarationDiagnostics(report)) add(model, outdated);
      }
      const { findings, outdated } = this.store.fileFindings(file);
      for (const model of fileFindingDiagnostics(file, findings)) add(model, outdated);
    }
    this.collection.clear();
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

function toDiagnostic(model: DiagnosticModel, outdated: boolean): vscode.Diagnostic {
  const message = outdated ? `${model.message} (outdated: the code changed since this check)` : model.message;
  const diagnostic = new vscode.Diagnostic(toRange(model.range), message, outdated ? vscode.DiagnosticSeverity.Information : SEVERITY[model.severity]);
  diagnostic.source = 'gradlens';
  diagnostic.code = model.code;
  if (model.related.length) {
    diagnostic.relatedInformation = model.related.map((r) => new vscode.DiagnosticRelatedInformation(toLocation(r.range), r.message));
  }
  return diagnostic;
}
