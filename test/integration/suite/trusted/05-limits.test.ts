// Long and runaway user code: progress of a long check in the lens (and the status bar's source), Stop from the
// lens, the time limit, and an extension host that stays responsive.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventLoopLag, gradlens, gradlensDiagnostics, lensTitles, open, setSetting, touchAndSave, waitFor, note, writeModelFile } from '../helpers';

const SLOW = `import { fn, randn } from 'gradlens';

/** About \`ms\` of busy work per evaluation. */
function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

/** 600 elements at ~10 ms an evaluation, every element: a check of 10 s or more. */
export const slowCube = fn({
  mode: 'full',
  at: { x: randn([600]) },
  f: ({ x }) => (spin(10), x.data.reduce((s, v) => s + v * v * v, 0)),
  grad: ({ x }) => ({ x: x.data.map((v) => 3 * v * v) }),
});
`;

const LOOP = `import { fn, randn } from 'gradlens';

export const spins = fn({
  at: { x: randn([3], { nested: true }) },
  f: ({ x }) => {
    let s = 0;
    while (x.length > 0) s += 1;
    return s;
  },
  grad: ({ x }) => ({ x }),
});
`;

suite('Limits', () => {
  teardown(async () => {
    await setSetting('timeLimit', undefined);
  });

  test('a long check shows its progress and an estimate in the lens; the lens stops it', async () => {
    const api = await gradlens();
    const uri = await writeModelFile('slow-check.ts', SLOW);
    await open(uri);
    const started = Date.now();
    // What the "Check gradients" lens runs (it resolves when the check ends: not awaited here).
    const checked = vscode.commands.executeCommand('gradlens.checkDeclaration', uri, 'slowCube');
    // The engine's progress events, as the lens and the status bar read them.
    const progress = await waitFor(
      'progress of the running check',
      () => {
        const p = api.checker.progress.get(uri.fsPath, 'slowCube');
        return p && p.done > 0 && p.planned > p.done && p.etaMs !== undefined ? p : undefined;
      },
      30_000,
    );
    assert.equal(progress.stage, 'elements');
    const lens = await waitFor(
      'the lens with evaluations and time left',
      async () => {
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
        return lenses.find((l) => /^\$\(sync~spin\) Checking… \d+\/\d+ evaluations · ~\d+ (s|min) left$/.test(l.command?.title ?? ''));
      },
      15_000,
    );
    assert.equal(lens.command?.command, 'gradlens.stop', 'clicking the running lens stops the check');
    note(`a long check showed '${lens.command?.title}' ${Date.now() - started} ms after it started`);
    // Stop, as the lens does it.
    const stopping = Date.now();
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    await waitFor('the check to stop', () => !api.store.isRunning(uri.fsPath), 10_000);
    await checked;
    assert.equal(api.checker.progress.get(uri.fsPath, 'slowCube'), undefined, 'no progress left behind');
    const titles = await lensTitles(uri);
    assert.ok(!titles[0].includes('Checking'), titles[0]);
    note(`stopped the long check in ${Date.now() - stopping} ms`);
  });

  test('Stop cancels a running check; the host stays responsive meanwhile', async () => {
    const api = await gradlens();
    await setSetting('timeLimit', 120);
    const uri = await writeModelFile('spins.ts', LOOP);
    await open(uri);
    await touchAndSave(uri);
    await waitFor('the check to run', () => api.store.isRunning(uri.fsPath), 20_000);
    await waitFor('the running lens', async () => (await lensTitles(uri))[0]?.includes('Checking'), 5000);
    // User code runs in worker processes: the host's timers keep firing. (A loop in the host itself would
    // never let this measurement finish; the bound leaves room for a loaded CI machine.)
    const lag = await eventLoopLag();
    assert.ok(lag < 1000, `the extension host lagged ${lag} ms while user code looped`);
    const stopped = Date.now();
    await vscode.commands.executeCommand('gradlens.stop');
    await waitFor('the check to stop', () => !api.store.isRunning(uri.fsPath), 10_000);
    note(`stopped an infinite loop in ${Date.now() - stopped} ms (host lag while it ran: ${lag} ms)`);
    const titles = await lensTitles(uri);
    assert.ok(!titles[0].includes('Checking'), titles[0]);
  });

  test('an infinite loop stops at the time limit and says so', async () => {
    await setSetting('timeLimit', 3);
    const uri = await writeModelFile('spins-limited.ts', LOOP);
    await open(uri);
    const started = Date.now();
    await touchAndSave(uri);
    const diagnostic = await waitFor('the time-limit diagnostic', () => gradlensDiagnostics(uri).find((d) => /time limit/i.test(d.message)), 40_000);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    const titles = await lensTitles(uri);
    assert.match(titles[0], /timed out/, titles[0]);
    note(`time limit of 3 s reported after ${Date.now() - started} ms`);
  });
});
