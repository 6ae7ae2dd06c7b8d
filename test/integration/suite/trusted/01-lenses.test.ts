// CodeLenses come from static parsing: they must be there at once, before any check ran, in every root.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exampleUri, gradlens, lensTitles, open, note, waitFor } from '../helpers';

suite('CodeLenses', () => {
  test('appear above every declaration before anything runs', async () => {
    const api = await gradlens();
    const started = Date.now();
    const uri = exampleUri('two-layer-net.ts');
    await open(uri);
    const opened = Date.now();
    const titles = await waitFor(
      'lenses on two-layer-net.ts',
      async () => {
        const t = await lensTitles(uri);
        return t.length ? t : undefined;
      },
      15_000,
    );
    assert.deepEqual(titles, ['Check gradients']);
    assert.equal(api.engines.startCount, 0, 'opening a file must not start the engine');
    note(
      `lenses on two-layer-net.ts ${Date.now() - opened} ms after the editor showed it (opening took ${opened - started} ms; activation ${api.activationMs} ms; ${api.parseStats.parsed} files parsed in ${api.parseStats.parseMs} ms)`,
    );
  });

  test('one lens per declaration, at the declaration, in a file with several', async () => {
    const uri = exampleUri('buggy/affine-transposed-dw.ts');
    await open(uri);
    const lenses = await waitFor(
      'lenses',
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        return l?.length ? l : undefined;
      },
      15_000,
    );
    const document = await vscode.workspace.openTextDocument(uri);
    const declarationLine = document.positionAt(document.getText().indexOf('affineTransposedDw')).line;
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, declarationLine);
    assert.equal(lenses[0].command?.command, 'gradlens.checkDeclaration');
  });

  test('work in the second root of a multi-root workspace', async function () {
    const second = vscode.workspace.workspaceFolders?.[1];
    if (!second) this.skip();
    const uri = vscode.Uri.joinPath(second.uri, 'affine.ts');
    await open(uri);
    const titles = await waitFor(
      'lenses in the second root',
      async () => {
        const t = await lensTitles(uri);
        return t.length ? t : undefined;
      },
      15_000,
    );
    assert.ok(
      titles.every((t) => t === 'Check gradients'),
      titles.join(' | '),
    );
  });
});
