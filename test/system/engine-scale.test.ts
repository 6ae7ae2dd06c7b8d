// The engine on long checks: element work spread over both workers, partial results when the time limit ends a
// check, and the progress it streams while one runs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../core/engine/engine';
import type { EvaluationProgress } from '../../core/engine/api';

const file = path.resolve(__dirname, '../fixtures/engine/scale/long-checks.ts');
const engine = new Engine({ workers: 2 });
after(() => engine.dispose());

test('a long element-by-element check in auto mode is spread over both workers, with progress', async () => {
  const progress: EvaluationProgress[] = [];
  const result = await engine.checkFile({ file, names: ['slowCube'], onEvaluations: (p) => progress.push(p) });
  const report = result.declarations[0];
  assert.equal(report.status, 'pass', report.summary);
  assert.equal(report.workers, 2);
  assert.equal(report.tensors[0].checked, 300);
  assert.ok(progress.length >= 1, 'progress was streamed');
  assert.ok(progress.every((p) => p.declaration === 'slowCube' && p.planned >= p.done));
});

test('a check that reaches its time limit keeps what it measured and says what was not checked', async () => {
  const result = await engine.checkFile({ file, names: ['slowWrong'] });
  const report = result.declarations[0];
  const t = report.tensors[0];
  assert.equal(report.status, 'fail', report.summary);
  assert.ok(t.failing > 0 && t.checked < 2000, `checked ${t.checked}`);
  assert.ok(t.unchecked && t.unchecked.elements > 0);
  assert.ok(
    t.hints.some((h) => h.code === 'scaled'),
    JSON.stringify(t.hints),
  );
});

test('a check killed at the time limit after some evaluations is partial, not an "infinite loop"', async () => {
  const result = await engine.checkFile({ file, names: ['hangsLater'] });
  const report = result.declarations[0];
  assert.equal(report.partial, true);
  assert.ok(report.evaluations > 2, `evaluations ${report.evaluations}`);
  assert.ok(report.tensors[0].checked > 0);
  const timeout = report.findings.find((f) => f.code === 'timeout');
  assert.ok(timeout);
  assert.doesNotMatch(timeout.message, /infinite loop/);
  assert.match(timeout.message, /evaluations/);
});
