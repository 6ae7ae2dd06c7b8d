// Test Explorer: declarations as test items at their ranges, a child per gradient, runs through the run
// profile (here: Run Test at Cursor), results that follow the checks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RecordedResult } from '../../../../extension/testing';
import { exampleUri, gradlens, open, positionOf, waitFor } from '../helpers';

suite('Test Explorer', () => {
  test('declarations are test items with a child per gradient', async () => {
    const api = await gradlens();
    const uri = exampleUri('affine.ts');
    await open(uri);
    const fileItem = await waitFor('the file item', () => api.tests.items.get(uri.toString()), 10_000);
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
    const fileItem = await waitFor('the file item', () => api.tests.items.get(uri.toString()), 10_000);
    const children: string[] = [];
    fileItem.children.forEach((d) => d.children.forEach((c) => children.push(c.label)));
    assert.deepEqual(children.sort(), ['fc1', 'fc2']);
  });

  test('Run Test at Cursor checks the declaration through the run profile', async () => {
    const api = await gradlens();
    const uri = exampleUri('buggy/sigmoid-sign.ts');
    const editor = await open(uri);
    await waitFor('the file item', () => api.tests.items.get(uri.toString()), 10_000);
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
      assert.ok(String(message.expectedOutput).includes(String(worst.numeric).slice(0, 5)), `expected ${message.expectedOutput} to show the numeric ${worst.numeric}`);
      assert.ok(String(message.actualOutput).includes(String(worst.analytic).slice(0, 5)), `actual ${message.actualOutput} to show the analytic ${worst.analytic}`);
      const source = report.tensors.find((t) => t.path === 'x')!.source!;
      assert.equal(message.location?.uri.fsPath, source.file);
      assert.equal(message.location?.range.start.line, source.start.line);
      const declaration = recorded.find((r) => r.id.endsWith(`#${name}`));
      assert.equal(declaration?.status, 'failed');
    } finally {
      subscription.dispose();
    }
  });
});
