// Set Up Workspace, from the .vsix alone (no gradlens installed in the workspace): the starter file, the
// contract's type declarations copied from the extension, and tsconfig.json pointed at them; the starter's
// declarations get lenses and pass.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { gradlens, lensTitles, waitFor } from '../helpers';

suite('Set up a workspace', () => {
  test('writes a starter file and the types, and the starter passes', async function () {
    // The second root: nothing else uses it after the lens suite.
    const folder = vscode.workspace.workspaceFolders?.[1] ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) this.skip();
    await vscode.commands.executeCommand('gradlens.init', folder.uri);
    const starter = vscode.Uri.joinPath(folder.uri, 'gradients.check.ts');
    assert.ok(existsSync(starter.fsPath), 'the starter file');
    assert.ok(existsSync(join(folder.uri.fsPath, '.gradlens', 'types', 'index.d.ts')), 'the type declarations, from the .vsix');
    const tsconfig = JSON.parse(readFileSync(join(folder.uri.fsPath, 'tsconfig.json'), 'utf8'));
    assert.deepEqual(tsconfig.compilerOptions.paths.gradlens, ['./.gradlens/types/index.d.ts']);
    await waitFor('the starter in the editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === starter.fsPath, 10_000);
    const api = await gradlens();
    await vscode.commands.executeCommand('gradlens.checkFile', starter);
    await waitFor(
      'both starter declarations to pass',
      () => ['affine', 'softplusSum'].every((name) => api.store.report(starter.fsPath, name)?.status === 'pass'),
      60_000,
    );
    const titles = await lensTitles(starter);
    assert.ok(titles.filter((t) => t.startsWith('✓')).length === 2, titles.join(' | '));
  });
});
