// The extension's entry point. Activation only wires things up: the engine (worker processes, esbuild)
// starts on the first check, and Restricted Mode runs no workspace code at all.

import * as vscode from 'vscode';
import { Checker } from './checker';
import { GradlensCodeLensProvider } from './codelens';
import { registerCommands } from './commands';
import { SECTION } from './config';
import { DeclarationIndex } from './declaration-index';
import { DiagnosticsPublisher } from './diagnostics';
import { EditWatcher } from './editing';
import { EngineHost } from './engine-host';
import { HeatmapBridge } from './heatmap';
import { ResultsStore } from './results-store';
import { StatusBar } from './status-bar';
import { GradlensTests } from './testing';
import type { GradlensApi } from './api';

const SELECTOR: vscode.DocumentSelector = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].map((language) => ({ scheme: 'file', language }));

export function activate(context: vscode.ExtensionContext): GradlensApi {
  const activationStarted = Date.now();
  const log = vscode.window.createOutputChannel('Gradlens', { log: true });
  const store = new ResultsStore();
  const index = new DeclarationIndex(log);
  const engines = new EngineHost(context.globalStorageUri, log);
  const checker = new Checker(engines, store, index, log);
  const lenses = new GradlensCodeLensProvider(index, store, checker.progress);
  const diagnostics = new DiagnosticsPublisher(store);
  const tests = new GradlensTests(index, checker, store);
  const statusBar = new StatusBar(store, checker);
  const heatmap = new HeatmapBridge(context, store);
  const editing = new EditWatcher(checker, store, index);

  context.subscriptions.push(
    log,
    index,
    engines,
    checker,
    lenses,
    diagnostics,
    tests,
    statusBar,
    heatmap,
    editing,
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    ...registerCommands(checker, store, index, heatmap, log),
    checker.onDidChangeRunning((running) => void vscode.commands.executeCommand('setContext', 'gradlens.running', running)),
    vscode.window.onDidChangeActiveTextEditor((editor) => updateEditorContext(index, editor)),
    // A declaration deleted or renamed in the editor takes its results (and diagnostics) with it.
    index.onDidChange((uri) => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (document)
        store.retain(
          uri.fsPath,
          index.declarations(document).map((d) => d.name),
        );
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      if (['workers', 'timeLimit', 'memoryLimit'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        checker.stop();
        engines.restartIfChanged();
      }
      lenses.refresh();
      diagnostics.publish();
      // Verdicts depend on these: re-check what was checked, so no result made under the old ones stays current.
      if (event.affectsConfiguration(`${SECTION}.mode`) || event.affectsConfiguration(`${SECTION}.tolerance`)) {
        for (const file of store.checkedFiles()) store.markOutdated(file);
        editing.checkOpenDocuments('settings changed', true);
      }
    }),
  );
  updateEditorContext(index, vscode.window.activeTextEditor);
  log.info(
    `Gradlens ${context.extension.packageJSON.version} active in ${Date.now() - activationStarted} ms (${vscode.workspace.isTrusted ? 'trusted workspace' : 'Restricted Mode: no code runs until the folder is trusted'})`,
  );

  return {
    activationMs: Date.now() - activationStarted,
    parseStats: index.stats,
    store,
    checker,
    engines,
    tests: tests.controller,
    testFileItem: (uri) => tests.fileItem(uri),
    onDidRecordTestResult: tests.onDidRecord,
    whenIdle: () => whenIdle(checker),
  };
}

function updateEditorContext(index: DeclarationIndex, editor: vscode.TextEditor | undefined): void {
  const has = !!editor && index.declarations(editor.document).length > 0;
  void vscode.commands.executeCommand('setContext', 'gradlens.hasDeclarations', has);
}

function whenIdle(checker: Checker): Promise<void> {
  if (!checker.isRunning) return Promise.resolve();
  return new Promise((resolve) => {
    const subscription = checker.onDidChangeRunning((running) => {
      if (!running) {
        subscription.dispose();
        resolve();
      }
    });
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the engine stops its worker processes).
}
