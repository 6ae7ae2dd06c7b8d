// Restricted Mode: the packaged extension shows lenses that say why nothing runs, runs nothing (no engine,
// no diagnostics) on save or on command, and starts checking once the folder is trusted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askRunner, exampleUri, gradlens, gradlensDiagnostics, lensTitles, open, runnerAvailable, sleep, touchAndSave, waitFor } from '../helpers';

suite('Restricted Mode', () => {
  const buggy = () => exampleUri('buggy/mse-factor-two.ts');

  test('the workspace is untrusted and the extension is active', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await gradlens();
    assert.equal(api.engines.startCount, 0);
  });

  test('lenses show and say why nothing runs', async () => {
    const uri = buggy();
    await open(uri);
    const titles = await waitFor(
      'lenses',
      async () => {
        const t = await lensTitles(uri);
        return t.length ? t : undefined;
      },
      15_000,
    );
    assert.equal(titles.length, 1);
    assert.match(titles[0], /trust/i);
  });

  test('saving and the check commands run no code', async () => {
    const api = await gradlens();
    const uri = buggy();
    await open(uri);
    await touchAndSave(uri);
    await vscode.commands.executeCommand('gradlens.checkDeclaration', uri, 'mseFactorTwo');
    await sleep(3000);
    assert.deepEqual(gradlensDiagnostics(uri), []);
    assert.equal(api.engines.startCount, 0, 'the engine never started');
    assert.equal(api.store.report(uri.fsPath, 'mseFactorTwo'), undefined);
  });

  test('checks start when trust is granted', async function () {
    if (!runnerAvailable()) this.skip();
    const api = await gradlens();
    const uri = buggy();
    await open(uri);
    await askRunner('trust');
    await waitFor('the workspace to be trusted', () => vscode.workspace.isTrusted, 15_000);
    const diagnostic = await waitFor('a diagnostic after trust', () => gradlensDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error));
    assert.ok(diagnostic.message.startsWith('pred'), diagnostic.message);
    assert.ok(api.engines.startCount >= 1);
    assert.match((await lensTitles(uri))[0], /^✗/);
  });
});
