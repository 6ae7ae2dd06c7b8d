import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluationsText, progressTooltip, runningStatus, timeLeft } from '../../../extension/progress-text';
import { evaluations } from './report-fixtures';

test('evaluations done of planned, with the time left when the engine has an estimate', () => {
  assert.equal(evaluationsText(evaluations()), '840/1200 evaluations · ~12 s left');
  assert.equal(evaluationsText(evaluations({ etaMs: undefined })), '840/1200 evaluations');
  assert.equal(evaluationsText(evaluations({ planned: 0, etaMs: undefined })), '840 evaluations');
});

test('a plan that lags behind what was done never reads as more done than planned', () => {
  assert.equal(evaluationsText(evaluations({ done: 1300, planned: 1200, etaMs: undefined })), '1300/1300 evaluations');
});

test('time left is an estimate: whole seconds, then minutes', () => {
  assert.equal(timeLeft(200), '~1 s left');
  assert.equal(timeLeft(11_200), '~12 s left');
  assert.equal(timeLeft(59_000), '~59 s left');
  assert.equal(timeLeft(150_000), '~3 min left');
});

test('the lens tooltip says what the check is doing and how to stop it', () => {
  assert.equal(progressTooltip(undefined), 'Stop the running check');
  assert.equal(
    progressTooltip(evaluations()),
    'narrowing failing directions down to blocks and elements: 840 of 1200 planned evaluations, 30 s so far.\nClick to stop the check.',
  );
  assert.match(progressTooltip(evaluations({ stage: 'warm-up' })), /^warm-up: /);
});

test('the status bar names one running declaration, sums several, and offers Stop', () => {
  const one = runningStatus([evaluations()], 1);
  assert.equal(one.text, '$(sync~spin) checking affine… 840/1200 evaluations · ~12 s left $(debug-stop)');
  assert.match(one.tooltip, /click to stop/);
  const two = runningStatus([evaluations(), evaluations({ declaration: 'conv', done: 200, planned: 400, etaMs: 40_000 })], 1);
  // The longest estimate is when both are done.
  assert.equal(two.text, '$(sync~spin) checking 2 declarations… 1040/1600 evaluations · ~40 s left $(debug-stop)');
  assert.match(two.tooltip, /affine: 840\/1200 evaluations · ~12 s left\nconv: 200\/400 evaluations · ~40 s left/);
});

test('without progress (short checks) the status bar says what runs', () => {
  assert.equal(runningStatus([], 1).text, '$(sync~spin) Gradlens: checking… $(debug-stop)');
  assert.equal(runningStatus([], 3).text, '$(sync~spin) Gradlens: checking 3 files… $(debug-stop)');
});
