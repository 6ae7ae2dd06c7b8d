// Runaway user code: stopping a check, the time limit, and an extension host that stays responsive.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventLoopLag, gradlens, gradlensDiagnostics, lensTitles, open, setSetting, touchAndSave, waitFor, note, writeModelFile } from '../helpers';

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
