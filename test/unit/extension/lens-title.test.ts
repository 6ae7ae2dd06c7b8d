import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstSentence, fit, lensTitle, lensTooltip, resultTitle, tensorSummary, TITLE_MAX } from '../../../extension/lens-title';
import { evaluations, failing, report, tensor } from './report-fixtures';

test('before a run the lens offers the check; untrusted says why nothing runs', () => {
  assert.equal(lensTitle({ kind: 'idle' }), 'Check gradients');
  assert.match(lensTitle({ kind: 'untrusted' }), /trust this folder/);
  assert.match(lensTitle({ kind: 'running' }), /Checking gradients/);
});

test('a pass shows the largest relative error', () => {
  assert.equal(resultTitle(report()), '✓ gradients match · max rel. err 3e-10');
});

test('a failure names each gradient with its hint, and the passing ones as ok', () => {
  const r = report({ status: 'fail', tensors: [failing(), tensor({ path: 'b', gradientKey: 'db' })] });
  assert.equal(resultTitle(r), '✗ dW ×2 · db ok');
});

test('many tensors: the failing ones are named, the passing ones counted', () => {
  const tensors = [
    failing({ path: 'fc1.W', gradientKey: 'fc1.W' }),
    failing({ path: 'fc2.b', gradientKey: 'fc2.b', hints: [{ code: 'sign', message: 'flipped', support: 1 }] }),
    tensor({ path: 'fc1.b', gradientKey: 'fc1.b' }),
    tensor({ path: 'fc2.W', gradientKey: 'fc2.W' }),
  ];
  assert.equal(tensorSummary(tensors), 'fc1.W ×2 · fc2.b sign flipped · 2 ok');
});

test('a failure without a hint shows its relative error', () => {
  assert.equal(tensorSummary([failing({ hints: [] })]), 'dW rel. err 0.5');
});

test('kinks are a warning that says how many elements', () => {
  const r = report({ status: 'warn', tensors: [tensor({ status: 'warn', kinks: 3 })] });
  assert.equal(resultTitle(r), '⚠ 3 kink elements · gradients match elsewhere');
});

test('time-outs and runtime errors say so plainly', () => {
  const timeout = report({
    status: 'error',
    tensors: [],
    findings: [{ severity: 'error', code: 'timeout', message: 'stopped after 3 s while running f: an infinite loop' }],
  });
  assert.match(resultTitle(timeout), /^✗ timed out: stopped after 3 s/);
  const threw = report({ status: 'error', tensors: [], findings: [{ severity: 'error', code: 'threw', phase: 'backward', message: 'boom. More text.' }] });
  assert.equal(resultTitle(threw), '✗ threw in backward: boom.');
});

test('an outdated result is never shown as current', () => {
  const done = report();
  assert.equal(lensTitle({ kind: 'done', report: done, outdated: true, running: false }), '✓ gradients match · max rel. err 3e-10 (outdated)');
  assert.match(lensTooltip({ kind: 'done', report: done, outdated: true, running: false }), /Outdated: the code changed since this check/);
  assert.equal(lensTitle({ kind: 'done', report: done, outdated: true, running: true }), '$(sync~spin) ✓ gradients match · max rel. err 3e-10 (re-checking…)');
  assert.equal(lensTitle({ kind: 'done', report: done, outdated: false, running: false }), '✓ gradients match · max rel. err 3e-10');
});

test('first sentences keep decimal points and cut long text', () => {
  assert.equal(firstSentence('expected 3.14 got 2. Then more'), 'expected 3.14 got 2.');
  assert.equal(firstSentence('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
});

test('a file-level failure is named in the lens', () => {
  assert.equal(
    lensTitle({ kind: 'fileError', finding: { severity: 'error', code: 'compile-error', message: 'Expected ";" but found "}". At line 3.' } }),
    '✗ does not compile: Expected ";" but found "}".',
  );
});

test('a long check shows its evaluations in the lens of the running declaration', () => {
  assert.equal(lensTitle({ kind: 'running' }, evaluations()), '$(sync~spin) Checking… 840/1200 evaluations · ~12 s left');
  assert.equal(lensTitle({ kind: 'running' }, evaluations({ etaMs: undefined })), '$(sync~spin) Checking… 840/1200 evaluations');
  // Re-checking: the progress is the news; the old verdict moves to the hover, marked outdated.
  assert.equal(
    lensTitle({ kind: 'done', report: report(), outdated: true, running: true }, evaluations()),
    '$(sync~spin) Re-checking… 840/1200 evaluations · ~12 s left',
  );
  assert.match(
    lensTooltip({ kind: 'done', report: report(), outdated: true, running: true }, evaluations()),
    /840 of 1200 planned evaluations[\s\S]*Last result \(outdated[\s\S]*✓ gradients match/,
  );
  // Progress only matters while the declaration runs.
  assert.equal(lensTitle({ kind: 'done', report: report(), outdated: false, running: false }, evaluations()), '✓ gradients match · max rel. err 3e-10');
});

test('tensors checked only along directions have no relative error to show', () => {
  const directions = (overrides = {}) => tensor({ method: 'directions', checked: 0, maxRelErr: null, maxAbsErr: null, margin: 0.02, ...overrides });
  assert.equal(resultTitle(report({ tensors: [directions(), directions({ path: 'b', gradientKey: 'db' })] })), '✓ gradients match along random directions');
  assert.equal(resultTitle(report({ tensors: [directions(), tensor({ path: 'b', gradientKey: 'db' })] })), '✓ gradients match · max rel. err 3e-10');
  const wrong = report({ status: 'fail', tensors: [directions({ status: 'fail', margin: 35 }), tensor({ path: 'b', gradientKey: 'db' })] });
  assert.equal(resultTitle(wrong), '✗ dW wrong along directions · db ok');
});

test('a partial result says so', () => {
  assert.equal(resultTitle(report({ partial: true })), '✓ gradients match · max rel. err 3e-10 (partial)');
  assert.equal(resultTitle(report({ status: 'fail', partial: true, tensors: [failing()] })), '✗ dW ×2 (partial)');
});

test('long verdicts are cut to fit beside "show heatmap"; the hover has them in full, hints first', () => {
  const tensors = ['dx', 'dh0', 'dWx', 'dWh', 'db'].map((name, i) =>
    failing({ path: name.slice(1), gradientKey: name, hints: i % 2 ? [{ code: 'rows', message: `${name} is wrong only in some rows`, support: 1 }] : [] }),
  );
  const r = report({ status: 'fail', tensors, summary: 'dx 16 of 24 elements wrong; dh0 10 of 10 elements wrong; dWx 20 of 20 elements wrong' });
  const title = resultTitle(r);
  assert.ok(title.length <= TITLE_MAX, title);
  assert.equal(title, '✗ dx rel. err 0.5 · dh0 some rows · +3 more wrong');
  const hover = lensTooltip({ kind: 'done', report: r, outdated: false, running: false });
  assert.match(hover, /dh0 is wrong only in some rows\. dh0 is wrong in 12 of 12 checked elements/);
  for (const name of ['dx', 'dh0', 'dWx', 'dWh', 'db']) assert.match(hover, new RegExp(`• ${name} is wrong|• ${name} is wrong only`));
  assert.match(hover, /Click to check again/);
  // A long error is cut at a word, with an ellipsis.
  const threw = report({
    status: 'error',
    tensors: [],
    findings: [
      {
        severity: 'error',
        code: 'threw',
        phase: 'backward',
        message: 'Error: matmul: inner dimensions differ (4×3 · 5×3) when multiplying the cached input by dout',
      },
    ],
  });
  assert.ok(resultTitle(threw).length <= TITLE_MAX, resultTitle(threw));
  assert.match(resultTitle(threw), /^✗ threw in backward: Error: matmul: inner .*…$/);
  assert.equal(fit('one · two · three four', 14), 'one · two …');
});
