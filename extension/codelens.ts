// CodeLenses above each fn/layer/model declaration. They come from static parsing, so they appear as soon
// as a file opens; after a check the title carries the verdict and a second lens opens the heatmap.

import * as vscode from 'vscode';
import type { DeclarationIndex } from './declaration-index';
import type { EvaluationProgressStore } from './evaluation-progress';
import { lensTitle, lensTooltip } from './lens-title';
import type { ResultsStore } from './results-store';
import { toRange } from './ranges';

export class GradlensCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly index: DeclarationIndex,
    private readonly store: ResultsStore,
    private readonly progress: EvaluationProgressStore,
  ) {
    this.subscriptions.push(this.changed);
    const { dispose } = store.onDidChange(() => this.refresh());
    this.subscriptions.push({ dispose });
    // Already throttled (at most 4 a second): the running lens counts evaluations as they come.
    this.subscriptions.push(progress.onDidChange(() => this.refresh()));
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const trusted = vscode.workspace.isTrusted;
    const lenses: vscode.CodeLens[] = [];
    for (const declaration of this.index.declarations(document)) {
      const range = toRange(declaration.nameRange);
      const file = document.uri.fsPath;
      const state = this.store.lensState(file, declaration.name, trusted);
      const progress = this.progress.get(file, declaration.name);
      const title = lensTitle(state, progress);
      // The title is kept short (so "show heatmap" stays on screen); the hover has everything.
      const tooltip = lensTooltip(state, progress);
      const args = [document.uri, declaration.name];
      if (state.kind === 'untrusted') {
        lenses.push(new vscode.CodeLens(range, { title, command: 'workbench.trust.manage', tooltip }));
        continue;
      }
      const running = state.kind === 'running' || state.kind === 'queued' || (state.kind === 'done' && state.running);
      lenses.push(
        new vscode.CodeLens(
          range,
          running ? { title, command: 'gradlens.stop', tooltip } : { title, command: 'gradlens.checkDeclaration', arguments: args, tooltip },
        ),
      );
      if (state.kind === 'done' && state.report.tensors.length) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: 'show heatmap',
            command: 'gradlens.showHeatmap',
            arguments: args,
            tooltip: 'Analytic vs numeric gradients, element by element',
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
