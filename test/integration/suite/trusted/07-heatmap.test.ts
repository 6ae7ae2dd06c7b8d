// The heatmap panel in the real workbench: the webview loads its bundle under the CSP, draws the declaration,
// marks and names each tensor's worst element, reveals the gradient's source from the keyboard, goes stale on an
// edit and redraws on the re-run.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { askRunner, exampleUri, gradlens, open, replaceText, runnerAvailable, save, waitFor } from '../helpers';

// A file no other suite edits: db sums dout over the wrong axis (only b fails).
const FILE = 'buggy/affine-bias-axis.ts';
const NAME = 'affineBiasAxis';
const BUG = 'db: sumCols(dout)';
const FIX = 'db: sumCols(transpose(dout))';

/** How many elements match inside the webviews (the runner looks into their frames). */
async function inWebview(selector: string, press?: string[]): Promise<number> {
  return Number((await askRunner('webview', { selector, ...(press ? { press } : {}) })).count);
}

const article = `article.gl-declaration[data-name="${NAME}"]`;

suite('Heatmap panel', () => {
  suiteTeardown(async () => {
    const uri = exampleUri(FILE);
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText().includes(FIX)) {
      await replaceText(uri, FIX, BUG);
      await save(uri);
    }
  });

  test('draws every tensor of the declaration', async function () {
    if (!runnerAvailable()) this.skip();
    const uri = exampleUri(FILE);
    await open(uri);
    await vscode.commands.executeCommand('gradlens.showHeatmap', uri, NAME);
    await waitFor('the drawn heatmaps', async () => (await inWebview(`${article} figure.gl-heatmap canvas[data-area]`)) === 3, 30_000, 500);
    await askRunner('screenshot', { path: join(process.env.GRADLENS_E2E_REPO ?? '.', 'test-results', 'heatmap-vscode.png'), settleMs: 800 });
    assert.equal(await inWebview(`${article}.gl-status-fail figure[data-tensor="b"].gl-status-fail`), 1);
    assert.equal(await inWebview(`${article} figure[data-tensor="w"].gl-status-pass`), 1);
    assert.equal(await inWebview(`${article} .gl-legend canvas`), 1);
    assert.equal(await inWebview(`${article} .gl-summary`), 1);
    assert.equal(await inWebview(`${article} .gl-bars canvas`), 1);
  });

  test("marks each tensor's worst element and names it in the tensor's header", async function () {
    if (!runnerAvailable()) this.skip();
    const uri = exampleUri(FILE);
    const report = (await gradlens()).store.report(uri.fsPath, NAME);
    const b = report?.tensors.find((t) => t.path === 'b');
    assert.ok(b?.worst && b.worst.state === 'fail', 'b fails, with a worst element');
    // b is a strip: its worst element's cell is at (index, 0).
    const figure = `${article} figure[data-tensor="b"]`;
    assert.equal(await inWebview(`${figure} canvas[data-worst="${b.worst.flat},0"]`), 1, 'the marker sits on the worst cell');
    assert.equal(await inWebview(`${figure} .gl-worst.gl-worst-fail[data-flat="${b.worst.flat}"]`), 1, 'the header names it');
    assert.equal(await inWebview(`${figure} .gl-worst:has-text("worst b[${b.worst.index.join(', ')}]")`), 1);
    // Passing tensors name their largest error (and mark it, muted).
    assert.equal(await inWebview(`${article} figure[data-tensor="w"] .gl-worst:has-text("largest error at w[")`), 1);
  });

  test('Enter on a cell reveals where the gradient is computed', async function () {
    if (!runnerAvailable()) this.skip();
    const uri = exampleUri(FILE);
    const report = (await gradlens()).store.report(uri.fsPath, NAME);
    const source = report?.tensors.find((t) => t.path === 'b')?.source;
    assert.ok(source, 'the report locates the gradient of b');
    await inWebview(`${article} figure[data-tensor="b"] .gl-canvas-box`, ['Home', 'Enter']);
    const editor = await waitFor(
      'the revealed source',
      () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath === uri.fsPath && e.selection.start.line === source.start.line && e;
      },
      15_000,
    );
    const selected = editor.document.getText(editor.selection);
    assert.ok(selected.length > 0 && BUG.endsWith(selected), `selected '${selected}'`);
  });

  test('an edit marks the panel outdated; the re-run on save redraws it', async function () {
    if (!runnerAvailable()) this.skip();
    const uri = exampleUri(FILE);
    await replaceText(uri, BUG, FIX);
    await waitFor('the outdated banner', async () => (await inWebview(`${article} .gl-outdated:not([hidden])`)) === 1, 30_000, 500);
    await save(uri);
    await waitFor('the passing re-run', async () => (await inWebview(`${article}.gl-status-pass`)) === 1, 60_000, 500);
    assert.equal(await inWebview(`${article} .gl-outdated:not([hidden])`), 0);
  });
});
