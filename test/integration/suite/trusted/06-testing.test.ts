// Test Explorer: items nested by workspace folder, folder and file; declarations as test items at their ranges, a
// child per gradient; runs through the run profile (here: Run Test at Cursor); and every check started elsewhere
// (a lens, a save) lands in Test Explorer too, with the check's own time as its duration.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RecordedResult } from '../../../../extension/testing';
import { exampleUri, examplesRoot, gradlens, note, open, positionOf, waitFor } from '../helpers';

/** The labels from a test item up to the root of the tree. */
function ancestry(item: vscode.TestItem): string[] {
  const labels: string[] = [];
  for (let at: vscode.TestItem | undefined = item; at; at = at.parent) labels.unshift(at.label);
  return labels;
}

suite('Test Explorer', () => {
  test('declarations are test items with a child per gradient', async () => {
    const api = await gradlens();
    const uri = exampleUri('affine.ts');
    await open(uri);
    const fileItem = await waitFor('the file item', () => api.testFileItem(uri), 10_000);
    const declarations: vscode.TestItem[] = [];
    fileItem.children.forEach((c) => declarations.push(c));
    assert.equal(declarations.length, 1);
    const [item] = declarations;
    assert.ok(item.range, 'a declaration item has a range');
    const children: string[] = [];
    item.children.forEach((c) => children.push(c.label));
    assert.deepEqual(children.sort(), ['db', 'dw', 'dx']);
  });

  test('models get one child per layer', async () => {
    const api = await gradlens();
    const uri = exampleUri('two-layer-net.ts');
    await open(uri);
    const fileItem = await waitFor('the file item', () => api.testFileItem(uri), 10_000);
    const children: string[] = [];
    fileItem.children.forEach((d) => d.children.forEach((c) => children.push(c.label)));
    assert.deepEqual(children.sort(), ['fc1', 'fc2']);
  });

  test('Run Test at Cursor checks the declaration through the run profile', async () => {
    const api = await gradlens();
    const uri = exampleUri('buggy/sigmoid-sign.ts');
    const editor = await open(uri);
    await waitFor('the file item', () => api.testFileItem(uri), 10_000);
    const name = (await vscode.workspace.openTextDocument(uri)).getText().match(/export const (\w+)/)![1];
    const inside = await positionOf(uri, `export const ${name}`);
    editor.selection = new vscode.Selection(inside.translate(1, 2), inside.translate(1, 2));
    const before = api.store.report(uri.fsPath, name);
    const recorded: RecordedResult[] = [];
    const subscription = api.onDidRecordTestResult((r) => recorded.push(r));
    try {
      await vscode.commands.executeCommand('testing.runAtCursor');
      const report = await waitFor('a report from the test run', () => {
        const r = api.store.report(uri.fsPath, name);
        return r && r !== before ? r : undefined;
      });
      assert.equal(report.status, 'fail');
      // The failing gradient's child: numeric is the expected value, analytic the actual one, at the expression.
      const dx = await waitFor('the result of the dx child', () => recorded.find((r) => r.id.endsWith('/dx')), 10_000);
      assert.equal(dx.status, 'failed');
      const [message] = dx.messages;
      const worst = report.tensors.find((t) => t.path === 'x')!.worst!;
      assert.ok(
        String(message.expectedOutput).includes(String(worst.numeric).slice(0, 5)),
        `expected ${message.expectedOutput} to show the numeric ${worst.numeric}`,
      );
      assert.ok(
        String(message.actualOutput).includes(String(worst.analytic).slice(0, 5)),
        `actual ${message.actualOutput} to show the analytic ${worst.analytic}`,
      );
      const source = report.tensors.find((t) => t.path === 'x')!.source!;
      assert.equal(message.location?.uri.fsPath, source.file);
      assert.equal(message.location?.range.start.line, source.start.line);
      const declaration = recorded.find((r) => r.id.endsWith(`#${name}`));
      assert.equal(declaration?.status, 'failed');
      assert.ok(declaration?.fromTestExplorer, 'recorded in the run Test Explorer started');
    } finally {
      subscription.dispose();
    }
  });

  test('items are nested by workspace folder, folder and file', async () => {
    const api = await gradlens();
    const uri = exampleUri('buggy/affine-transposed-dw.ts');
    await open(uri);
    const fileItem = await waitFor('the file item', () => api.testFileItem(uri), 10_000);
    const root = vscode.workspace.getWorkspaceFolder(examplesRoot())!;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    assert.deepEqual(ancestry(fileItem), [...(multiRoot ? [root.name] : []), 'buggy', 'affine-transposed-dw.ts']);
    const [declaration] = (() => {
      const out: vscode.TestItem[] = [];
      fileItem.children.forEach((c) => out.push(c));
      return out;
    })();
    assert.deepEqual(ancestry(declaration).slice(-2), ['affine-transposed-dw.ts', 'affineTransposedDw']);
  });

  test('a check started from the lens lands in Test Explorer, with the check time as its duration', async () => {
    const api = await gradlens();
    const uri = exampleUri('buggy/softmax-missing-mean.ts');
    await open(uri);
    const name = 'softmaxMissingMean';
    await waitFor('the file item', () => api.testFileItem(uri), 10_000);
    const recorded: RecordedResult[] = [];
    const subscription = api.onDidRecordTestResult((r) => recorded.push(r));
    try {
      // What the "Check gradients" lens runs.
      await vscode.commands.executeCommand('gradlens.checkDeclaration', uri, name);
      const result = await waitFor('the lens-started result in Test Explorer', () => recorded.find((r) => r.id === `${uri.toString()}#${name}`), 60_000);
      assert.equal(result.status, 'failed');
      assert.equal(result.fromTestExplorer, false, 'a run of its own, not one Test Explorer started');
      assert.match(result.run, /lens/);
      const report = api.store.report(uri.fsPath, name)!;
      assert.equal(result.duration, report.checkMs, 'the duration is the check time (not queue or load time)');
      assert.ok(result.duration! <= report.timeMs);
      // The failing gradient's child too, with the numbers as expected (numeric) and actual (analytic) output.
      const child = recorded.find((r) => r.id.startsWith(`${result.id}/`) && r.status === 'failed');
      assert.ok(child, `a failed gradient child: ${recorded.map((r) => `${r.id} ${r.status}`).join(', ')}`);
      assert.ok(child.messages[0]?.expectedOutput && child.messages[0]?.actualOutput);
      note(`lens-started check recorded in Test Explorer: ${result.duration} ms check time of ${Math.round(report.timeMs)} ms in all`);
    } finally {
      subscription.dispose();
    }
  });
});
