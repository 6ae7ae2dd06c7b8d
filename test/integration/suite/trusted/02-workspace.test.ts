// Check Workspace over every example (both roots): each declaration's lens shows the verdict that
// examples/expected.json gives it; then a second workspace run is stopped midway.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { exampleUri, gradlens, lensTitles, note, waitFor } from '../helpers';

type Expected = Record<string, Record<string, { status: 'pass' | 'warn' | 'fail' | 'error' }>>;

const MARK = { pass: '✓', warn: '⚠', fail: '✗', error: '✗' } as const;

suite('Check Workspace', () => {
  test('every example gets the verdict examples/expected.json gives it', async () => {
    const api = await gradlens();
    const expected = JSON.parse(readFileSync(exampleUri('expected.json').fsPath, 'utf8')) as Expected;
    const started = Date.now();
    await vscode.commands.executeCommand('gradlens.checkWorkspace');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const wrong: string[] = [];
    let count = 0;
    for (const [path, declarations] of Object.entries(expected)) {
      const uri = exampleUri(path.replace(/^examples\//, ''));
      const titles = await lensTitles(uri);
      const names = Object.keys(declarations);
      for (const [name, { status }] of Object.entries(declarations)) {
        count++;
        const report = api.store.report(uri.fsPath, name);
        if (report?.status !== status) wrong.push(`${path}#${name}: expected ${status}, got ${report?.status ?? 'no report'}`);
        const title = titles.filter((t) => t !== 'show heatmap')[names.indexOf(name)];
        if (!title?.startsWith(MARK[status])) wrong.push(`${path}#${name}: lens '${title}' does not start with ${MARK[status]}`);
      }
    }
    assert.deepEqual(wrong, []);
    // A kink is a warning on the declaration, not an error on a gradient.
    const relu = exampleUri('relu.ts');
    const kink = vscode.languages.getDiagnostics(relu).find((d) => d.source === 'gradlens' && d.code === 'kink');
    assert.ok(kink, 'a kink diagnostic on relu.ts');
    assert.equal(kink.severity, vscode.DiagnosticSeverity.Warning);
    const declaration = (await vscode.workspace.openTextDocument(relu)).getText().indexOf('export const reluAtZero');
    assert.equal(kink.range.start.line, (await vscode.workspace.openTextDocument(relu)).positionAt(declaration).line);
    const second = vscode.workspace.workspaceFolders?.[1];
    if (second) assert.ok(api.store.report(vscode.Uri.joinPath(second.uri, 'affine.ts').fsPath, 'affine'), 'the second root was checked too');
    note(`Check Workspace: ${count} declarations in ${seconds} s`);
  });

  test('Stop ends a workspace run at once', async () => {
    const api = await gradlens();
    const run = vscode.commands.executeCommand('gradlens.checkWorkspace');
    await waitFor('the workspace run to start', () => api.checker.isRunning, 20_000, 20);
    const stopped = Date.now();
    await vscode.commands.executeCommand('gradlens.stop');
    await run;
    await waitFor('every check to end', () => !api.checker.isRunning, 10_000);
    note(`workspace run stopped in ${Date.now() - stopped} ms`);
    assert.ok(Date.now() - stopped < 10_000);
  });
});
