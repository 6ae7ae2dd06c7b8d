// Checking while editing: runtime errors at the throwing line, checks of unsaved text on type, and
// re-checks of the files that import a saved file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  gradlens,
  gradlensDiagnostics,
  lensTitles,
  open,
  positionOf,
  replaceText,
  save,
  setSetting,
  sleep,
  touchAndSave,
  waitFor,
  writeModelFile,
} from '../helpers';

const SQUARE = `import { fn, randn } from 'gradlens';

export const square = fn({
  at: { x: randn([4], { nested: true }) },
  f: ({ x }) => x.reduce((s, v) => s + v * v, 0),
  grad: ({ x }) => ({ x: x.map((v) => 2 * v) }),
});
`;

suite('Editing', () => {
  teardown(async () => {
    await setSetting('checkOnType', undefined);
    await setSetting('checkOnTypeDelay', undefined);
  });

  test('a runtime error in user code is an error at the throwing line', async () => {
    const uri = await writeModelFile(
      'throws.ts',
      SQUARE.replace(
        'grad: ({ x }) => ({ x: x.map((v) => 2 * v) }),',
        `grad: ({ x }) => {
    if (x.length > 0) throw new Error('boom in grad');
    return { x };
  },`,
      ),
    );
    await open(uri);
    await touchAndSave(uri);
    const diagnostic = await waitFor('the runtime error', () => gradlensDiagnostics(uri).find((d) => d.message.includes('boom in grad')));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    const thrown = await positionOf(uri, 'throw new Error');
    assert.equal(diagnostic.range.start.line, thrown.line, `on the throw line (${thrown.line}), got ${diagnostic.range.start.line}: ${diagnostic.message}`);
    await waitFor('the error lens', async () => (await lensTitles(uri))[0]?.startsWith('✗ threw in grad'), 15_000);
  });

  test('on type: the unsaved text is checked, and the last edit wins', async () => {
    const api = await gradlens();
    const uri = await writeModelFile('square.ts', SQUARE);
    await open(uri);
    await touchAndSave(uri);
    await waitFor('the first verdict', async () => (await lensTitles(uri))[0]?.startsWith('✓ '));
    await setSetting('checkOnType', true);
    await setSetting('checkOnTypeDelay', 150);
    const checked: (string | undefined)[] = [];
    const subscription = api.checker.onDidFinish(({ job, result }) => job.file === uri.fsPath && checked.push(result?.cancelled ? 'cancelled' : job.reason));
    try {
      // Two quick edits: the first is superseded, the second (a factor of 3 instead of 2) is what gets checked.
      await replaceText(uri, '2 * v', '5 * v');
      await replaceText(uri, '5 * v', '3 * v');
      const diagnostic = await waitFor('a diagnostic from the unsaved text', () =>
        gradlensDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error),
      );
      assert.match(diagnostic.message, /1\.5/, `the factor of the last edit (3/2): ${diagnostic.message}`);
      assert.ok((await vscode.workspace.openTextDocument(uri)).isDirty, 'the check ran on the unsaved buffer');
      assert.ok(checked.includes('type'), `checks: ${checked.join(', ')}`);
      // Undo the bug by typing: the diagnostic goes away without a save.
      await replaceText(uri, '3 * v', '2 * v');
      await waitFor('the diagnostic to clear', () => gradlensDiagnostics(uri).length === 0);
    } finally {
      subscription.dispose();
    }
    await save(uri);
  });

  test('saving an imported file re-checks the declarations that depend on it', async () => {
    const lib = await writeModelFile('factor.ts', 'export const FACTOR = 2;\n');
    const uri = await writeModelFile(
      'uses-factor.ts',
      `import { FACTOR } from './factor';\n${SQUARE.replace('2 * v', 'FACTOR * v').replace('square', 'scaledSquare')}`,
    );
    await open(uri);
    await touchAndSave(uri);
    await waitFor('the first verdict', async () => (await lensTitles(uri))[0]?.startsWith('✓ '));
    await open(lib);
    await replaceText(lib, 'FACTOR = 2', 'FACTOR = 4');
    await waitFor('the dependent lens to be outdated', async () => (await lensTitles(uri))[0]?.includes('outdated'), 5000);
    await save(lib);
    const diagnostic = await waitFor('a diagnostic in the dependent file', () =>
      gradlensDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error),
    );
    assert.match(diagnostic.message, /×\s*2|2 ×|factor/i, diagnostic.message);
    await sleep(10);
  });
});
