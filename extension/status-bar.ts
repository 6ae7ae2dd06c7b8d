// One status-bar item: the verdicts of the current results, a shield in Restricted Mode, and while checks run a
// spinner with the evaluations of long ones. Clicking stops running checks, and otherwise shows the log.

import * as vscode from 'vscode';
import type { Checker } from './checker';
import { runningStatus } from './progress-text';
import type { ResultsStore } from './results-store';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gradlens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [this.item];

  constructor(
    private readonly store: ResultsStore,
    private readonly checker: Checker,
  ) {
    this.item.name = 'Gradlens';
    const { dispose } = store.onDidChange(() => this.update());
    this.subscriptions.push({ dispose });
    this.subscriptions.push(checker.onDidChangeRunning(() => this.update()));
    // Already throttled (at most 4 a second).
    this.subscriptions.push(checker.progress.onDidChange(() => this.update()));
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()));
    this.update();
  }

  update(): void {
    const totals = this.store.totals();
    const checked = totals.pass + totals.warn + totals.fail + totals.error + totals.outdated;
    // While checks run a click stops them; otherwise it shows the log.
    this.item.command = this.checker.isRunning && vscode.workspace.isTrusted ? 'gradlens.stop' : 'gradlens.showOutput';
    if (!vscode.workspace.isTrusted) {
      this.item.text = '$(shield) Gradlens';
      this.item.tooltip = 'Restricted Mode: Gradlens shows where checks are but runs no code until you trust this folder.';
    } else if (this.checker.isRunning) {
      const status = runningStatus(this.checker.progress.all(), this.checker.scheduler.runningJobs().length);
      this.item.text = status.text;
      this.item.tooltip = status.tooltip;
    } else if (!checked) {
      this.item.text = '$(beaker) Gradlens';
      this.item.tooltip = 'No gradients checked yet: save a model file or click "Check gradients" above a declaration.';
    } else {
      const parts: string[] = [];
      if (totals.pass) parts.push(`$(check) ${totals.pass}`);
      if (totals.warn) parts.push(`$(warning) ${totals.warn}`);
      if (totals.fail + totals.error) parts.push(`$(error) ${totals.fail + totals.error}`);
      if (totals.outdated) parts.push(`$(history) ${totals.outdated}`);
      this.item.text = `Gradlens ${parts.join(' ')}`;
      this.item.tooltip =
        `${totals.pass} passing, ${totals.warn} with kinks, ${totals.fail} with wrong gradients, ${totals.error} that could not be checked` +
        (totals.outdated ? `, ${totals.outdated} outdated (the code changed since)` : '');
    }
    this.item.backgroundColor = totals.fail + totals.error > 0 && !this.checker.isRunning ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
