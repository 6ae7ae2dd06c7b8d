// The editor as a user sees it: a diagnostic squiggle and a verdict lens, painted in the real workbench;
// saved as test-results/editor.png (`npm run screenshots` copies it to docs/images/). Also opens the heatmap panel.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { askRunner, exampleUri, gradlensDiagnostics, lensTitles, open, positionOf, runnerAvailable, touchAndSave, waitFor } from '../helpers';

suite('Workbench', () => {
  test('a lens and a diagnostic are painted (screenshot test-results/editor.png)', async function () {
    if (!runnerAvailable()) this.skip();
    const uri = exampleUri('buggy/affine-transposed-dw.ts');
    const editor = await open(uri);
    await touchAndSave(uri);
    await waitFor('the diagnostic', () =>
      gradlensDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error && !d.message.includes('outdated')),
    );
    await waitFor('the verdict lens', async () => (await lensTitles(uri))[0]?.startsWith('✗'));
    // One editor group with only this file (earlier suites leave editors and the heatmap panel open).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.joinAllGroups');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const shown = await vscode.window.showTextDocument(editor.document, { preview: false, viewColumn: vscode.ViewColumn.One });
    const at = await positionOf(uri, 'backward:');
    shown.selection = new vscode.Selection(at, at);
    shown.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    const lens = await waitFor(
      'the painted lens',
      async () => Number((await askRunner('count', { selector: '.monaco-editor .codelens-decoration a', text: '✗' })).count) > 0,
      15_000,
      500,
    );
    assert.ok(lens);
    await waitFor(
      'the painted squiggle',
      async () => Number((await askRunner('count', { selector: '.monaco-editor .squiggly-error' })).count) > 0,
      15_000,
      500,
    );
    // The cursor on the squiggle (no hover: it would cover the lens; the Problems panel shows the message).
    const squiggle = gradlensDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    shown.selection = new vscode.Selection(squiggle.range.start, squiggle.range.start);
    // Never into docs/: a test leaves the work tree as it found it.
    const path = join(process.env.GRADLENS_E2E_REPO ?? '.', 'test-results', 'editor.png');
    await askRunner('screenshot', { path, settleMs: 1200 });
  });

  test('show heatmap opens the heatmap panel for the declaration', async () => {
    const uri = exampleUri('buggy/mse-factor-two.ts');
    await open(uri);
    await touchAndSave(uri);
    await waitFor('a report', async () => (await lensTitles(uri)).includes('show heatmap'));
    await vscode.commands.executeCommand('gradlens.showHeatmap', uri, 'mseFactorTwo');
    await waitFor(
      'the heatmap tab',
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('gradlens.heatmap')),
      10_000,
    );
  });
});
