// The VS Code side of the heatmap view: one webview panel per declaration (showing a declaration whose panel
// is open reveals that panel, so several can sit side by side for comparison). The page is core/report/page.ts
// around dist/webview.js; it talks to this class only through the typed messages in webview/protocol.ts.
// Panels survive reloads: the webview saves its state, and the serializer reopens the panel with the
// freshest report the extension has for that declaration.

import * as vscode from 'vscode';
import type { DeclarationReport, SourceRange } from '../core/report/types';
import { makeNonce, renderPage } from '../core/report/page';
import { isViewMessage, isViewState, PROTOCOL_VERSION, type DeclarationKey, type HostMessage } from '../webview/protocol';

interface SourceHost {
  revealSource(range: SourceRange): void;
}

const keyOf = (file: string, name: string) => `${file}#${name}`;

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.file === b.file && a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    // The page loads nothing but the bundle and its stylesheet.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

const PANEL_OPTIONS: vscode.WebviewPanelOptions = {
  enableFindWidget: true,
  // State is restored with getState/setState instead of keeping hidden pages alive (reports can be large).
  retainContextWhenHidden: false,
};

export class HeatmapPanel {
  static readonly viewType = 'gradlens.heatmap';
  private static readonly panels = new Map<string, HeatmapPanel>();

  private report: DeclarationReport | null;
  private outdated: boolean;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly key: DeclarationKey,
    report: DeclarationReport | null,
    outdated: boolean,
    private host: SourceHost,
  ) {
    this.report = report;
    this.outdated = outdated;
    HeatmapPanel.panels.set(keyOf(key.file, key.name), this);
    panel.webview.options = webviewOptions(extensionUri);
    panel.title = `Gradients: ${key.name}`;
    panel.webview.html = HeatmapPanel.html(panel.webview, extensionUri, key.name);
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    panel.onDidDispose(() => {
      const k = keyOf(key.file, key.name);
      if (HeatmapPanel.panels.get(k) === this) HeatmapPanel.panels.delete(k);
    });
  }

  /** Opens (or reveals) the panel of a declaration and shows this report in it. */
  static show(extensionUri: vscode.Uri, report: DeclarationReport, host: SourceHost): void {
    const existing = HeatmapPanel.panels.get(keyOf(report.file, report.name));
    if (existing) {
      existing.host = host;
      existing.setReport(report, false);
      existing.panel.reveal(existing.panel.viewColumn, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      HeatmapPanel.viewType,
      `Gradients: ${report.name}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...webviewOptions(extensionUri), ...PANEL_OPTIONS },
    );
    new HeatmapPanel(panel, extensionUri, { file: report.file, name: report.name }, report, false, host);
  }

  /** A new report for a declaration: its open panel (if any) redraws in place. A no-op otherwise. */
  static update(report: DeclarationReport): void {
    HeatmapPanel.panels.get(keyOf(report.file, report.name))?.setReport(report, false);
  }

  /** The declaration's source changed: its open panel says the numbers are stale until the next report. */
  static markOutdated(file: string, name: string): void {
    const target = HeatmapPanel.panels.get(keyOf(file, name));
    if (!target || target.outdated) return;
    target.outdated = true;
    target.post({ v: PROTOCOL_VERSION, type: 'outdated' });
  }

  /**
   * Reopens panels after a window reload or restart. The report comes from `lookup` (the extension's latest
   * results) or else from the webview's saved state, marked outdated because nothing says it is current.
   */
  static registerSerializer(
    context: vscode.ExtensionContext,
    host: SourceHost,
    lookup: (file: string, name: string) => DeclarationReport | undefined,
  ): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(HeatmapPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        if (!isViewState(state) || !state.key) {
          panel.dispose();
          return;
        }
        const { file, name } = state.key;
        const fresh = lookup(file, name);
        const report = fresh ?? state.report ?? null;
        HeatmapPanel.panels.get(keyOf(file, name))?.panel.dispose();
        new HeatmapPanel(panel, context.extensionUri, { file, name }, report, !fresh && report !== null, host);
      },
    });
  }

  private static html(webview: vscode.Webview, extensionUri: vscode.Uri, name: string): string {
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
    return renderPage({
      nonce: makeNonce(),
      cspSource: webview.cspSource,
      title: `Gradients: ${name}`,
      script: { src: asset('webview.js') },
      style: { href: asset('webview.css') },
    });
  }

  private setReport(report: DeclarationReport, outdated: boolean): void {
    this.report = report;
    this.outdated = outdated;
    this.sendReport();
  }

  private sendReport(): void {
    if (this.report) this.post({ v: PROTOCOL_VERSION, type: 'show', report: this.report, outdated: this.outdated });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    // The page renders strings from user code; act only on well-formed messages that refer to this report.
    if (!isViewMessage(message)) return;
    if (message.type === 'ready') {
      this.sendReport();
      return;
    }
    const report = this.report;
    if (!report) return;
    const known = [report.range, ...report.tensors.map((t) => t.source)].filter((r): r is SourceRange => !!r);
    if (known.some((r) => sameRange(r, message.range))) this.host.revealSource(message.range);
  }
}
