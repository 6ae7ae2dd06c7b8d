// Connects the heatmap panel (heatmap-panel.ts, the webview) to the results: it shows a declaration's last
// report, follows new reports, and says so when the code changed under it. Restored panels after a reload
// look their report up in the store.

import * as vscode from 'vscode';
import type { DeclarationReport } from '../core/report/types';
import { HeatmapPanel } from './heatmap-panel';
import { revealRange } from './ranges';
import type { ResultsStore } from './results-store';

export class HeatmapBridge implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The report last sent per declaration, and whether it was marked outdated, to send only changes. */
  private readonly sent = new Map<string, { report: DeclarationReport; outdated: boolean }>();
  readonly host = {
    revealSource: (range: import('../core/report/types').SourceRange) => void revealRange(range),
  };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: ResultsStore,
  ) {
    this.subscriptions.push(HeatmapPanel.registerSerializer(context, this.host, (file, name) => store.report(file, name)));
    const { dispose } = store.onDidChange((file) => this.follow(file));
    this.subscriptions.push({ dispose });
  }

  show(report: DeclarationReport): void {
    HeatmapPanel.show(this.context.extensionUri, report, this.host);
    this.sent.set(key(report.file, report.name), { report, outdated: false });
    if (this.store.isOutdated(report.file, report.name)) this.follow(report.file);
  }

  private follow(file: string): void {
    for (const report of this.store.reports(file)) {
      const k = key(file, report.name);
      const last = this.sent.get(k);
      const outdated = this.store.isOutdated(file, report.name);
      // Also for panels this bridge did not open (restored after a window reload): update() is a no-op when no
      // panel shows the declaration.
      if (!last || last.report !== report) {
        HeatmapPanel.update(report);
        if (outdated) HeatmapPanel.markOutdated(file, report.name);
        this.sent.set(k, { report, outdated });
      } else if (outdated && !last.outdated) {
        HeatmapPanel.markOutdated(file, report.name);
        this.sent.set(k, { report, outdated: true });
      }
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function key(file: string, name: string): string {
  return `${file}#${name}`;
}
