// The commands: check file, check declaration (lens), check workspace (cancellable progress), show heatmap,
// stop, show output.

import * as vscode from 'vscode';
import { runInit } from '../core/cli/init-command';
import type { DeclarationReport } from '../core/report/types';
import type { Checker } from './checker';
import { DeclarationIndex } from './declaration-index';
import { plural } from './format';
import type { HeatmapBridge } from './heatmap';
import type { ResultsStore } from './results-store';

const SOURCE_GLOB = '**/*.{ts,mts,cts,js,mjs,cjs}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/dist/**,**/out/**,**/.*/**}';

export function registerCommands(
  checker: Checker,
  store: ResultsStore,
  index: DeclarationIndex,
  heatmap: HeatmapBridge,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const notTrusted = () => {
    void vscode.window
      .showWarningMessage('Gradlens runs your code to check gradients. Trust this folder to allow it.', 'Manage Workspace Trust')
      .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  };

  const checkFile = async (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target) return undefined;
    if (!checker.trusted) return notTrusted();
    return checker.check({ uri: target, unsaved: true, reason: 'command' });
  };

  const checkDeclaration = async (uri: vscode.Uri, name: string) => {
    if (!checker.trusted) return notTrusted();
    return checker.check({ uri, names: [name], unsaved: true, reason: 'lens' });
  };

  const checkWorkspace = () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Gradlens: checking gradients', cancellable: true },
      async (progress, token) => {
        if (!checker.trusted) return notTrusted();
        const uris = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE_GLOB, undefined, token);
        const files: vscode.Uri[] = [];
        for (const uri of uris) if ((await index.declarationsOnDisk(uri)).length) files.push(uri);
        if (!files.length) {
          void vscode.window.showInformationMessage('Gradlens: no fn/layer/model declarations in this workspace.');
          return;
        }
        let cancelled = false;
        const stopped = checker.onDidStop(() => (cancelled = true));
        token.onCancellationRequested(() => checker.stop());
        let done = 0;
        progress.report({ message: `0 of ${plural(files.length, 'file')}` });
        // Files go to the engine two at a time: its worker pool does the parallel work, and a short queue
        // lets a cancel stop everything at once.
        const queue = [...files];
        const next = async (): Promise<void> => {
          const uri = queue.shift();
          if (!uri || cancelled) return;
          await checker.check({ uri, reason: 'workspace' });
          done++;
          progress.report({ message: `${done} of ${plural(files.length, 'file')}`, increment: 100 / files.length });
          return next();
        };
        try {
          await Promise.all([next(), next()]);
        } finally {
          stopped.dispose();
        }
        const totals = store.totals();
        log.info(`workspace check ${cancelled ? 'cancelled' : 'done'}: ${totals.pass} pass, ${totals.warn} warn, ${totals.fail} fail, ${totals.error} error`);
      },
    );

  const showHeatmap = async (uri?: vscode.Uri, name?: string) => {
    const report = await pickReport(store, index, uri, name);
    if (report) {
      heatmap.show(report);
      return;
    }
    if (uri && name && checker.trusted) {
      await checker.check({ uri, names: [name], unsaved: true, reason: 'heatmap' });
      const fresh = store.report(uri.fsPath, name);
      if (fresh) heatmap.show(fresh);
      return;
    }
    void vscode.window.showInformationMessage('Gradlens: check a declaration first (the "Check gradients" lens above it) to see its heatmap.');
  };

  // The starter file and the contract's types (shipped in the .vsix), so that `import … from 'gradlens'`
  // type-checks in a workspace that has not installed the package. Writes files only: no code runs.
  const init = async (target?: vscode.Uri) => {
    const given = target instanceof vscode.Uri ? vscode.workspace.getWorkspaceFolder(target) : undefined;
    const folder =
      given ??
      ((vscode.workspace.workspaceFolders?.length ?? 0) > 1
        ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Set up Gradlens in…' })
        : vscode.workspace.workspaceFolders?.[0]);
    if (!folder) {
      void vscode.window.showInformationMessage('Gradlens: open a folder first.');
      return;
    }
    try {
      const written = await runInit(folder.uri.fsPath);
      log.info(`set up ${folder.name}: ${written.map((f) => vscode.workspace.asRelativePath(f)).join(', ') || 'nothing to write'}`);
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, 'gradients.check.ts'), { preview: false });
    } catch (error) {
      void vscode.window.showErrorMessage(`Gradlens could not set up ${folder.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return [
    vscode.commands.registerCommand('gradlens.init', init),
    vscode.commands.registerCommand('gradlens.checkFile', checkFile),
    vscode.commands.registerCommand('gradlens.checkDeclaration', checkDeclaration),
    vscode.commands.registerCommand('gradlens.checkWorkspace', checkWorkspace),
    vscode.commands.registerCommand('gradlens.showHeatmap', showHeatmap),
    vscode.commands.registerCommand('gradlens.stop', () => checker.stop()),
    vscode.commands.registerCommand('gradlens.showOutput', () => log.show(true)),
  ];
}

/** The report for the given declaration, the one under the cursor, or one picked from the checked ones. */
async function pickReport(store: ResultsStore, index: DeclarationIndex, uri?: vscode.Uri, name?: string): Promise<DeclarationReport | undefined> {
  if (uri && name) return store.report(uri.fsPath, name);
  const editor = vscode.window.activeTextEditor;
  if (editor && DeclarationIndex.isCandidate(editor.document)) {
    const line = editor.selection.active.line;
    const here = index.declarations(editor.document).find((d) => d.range.start.line <= line && line <= d.range.end.line);
    const report = here && store.report(editor.document.uri.fsPath, here.name);
    if (report) return report;
  }
  const reports = store.checkedFiles().flatMap((file) => store.reports(file));
  if (reports.length <= 1) return reports[0];
  const picked = await vscode.window.showQuickPick(
    reports.map((r) => ({ label: r.name, description: vscode.workspace.asRelativePath(r.file), detail: r.summary, report: r })),
    { placeHolder: 'Show the gradient heatmap of…' },
  );
  return picked?.report;
}
