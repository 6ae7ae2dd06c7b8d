import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declarationDiagnostics, fileFindingDiagnostics } from '../../../extension/diagnostic-model';
import { failing, range, report, tensor } from './report-fixtures';

test('a wrong gradient sits on its expression, says the hint first, then the worst element, and points back', () => {
  const r = report({ status: 'fail', tensors: [failing(), tensor({ path: 'b', gradientKey: 'db' })] });
  const [d, ...rest] = declarationDiagnostics(r);
  assert.equal(rest.length, 0, 'passing gradients get no diagnostic');
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.range, range('/ws/affine.ts', 14, 8, 34));
  assert.equal(
    d.message,
    'dW = 2 × numeric: a factor of 2 too many. dW is wrong in 12 of 12 checked elements; worst at [1, 2]: analytic 0.841234 vs numeric 0.420617 (rel. err 5.0e-1, tolerance 1.0e-6).',
  );
  assert.deepEqual(d.related, [{ range: r.range, message: "checked by layer 'affine'" }]);
});

test('a gradient produced in another file is reported in that file', () => {
  const source = range('/ws/lib/backward.ts', 52, 2, 30);
  const [d] = declarationDiagnostics(report({ status: 'fail', tensors: [failing({ source })] }));
  assert.equal(d.range.file, '/ws/lib/backward.ts');
  assert.equal(d.related[0].range.file, '/ws/affine.ts');
});

test('without a source range the diagnostic falls back to the declaration', () => {
  const [d] = declarationDiagnostics(report({ status: 'fail', tensors: [failing({ source: undefined })] }));
  assert.deepEqual(d.range, report().range);
  assert.deepEqual(d.related, []);
});

test('kinks are one warning on the declaration', () => {
  const ds = declarationDiagnostics(
    report({
      status: 'warn',
      tensors: [tensor({ status: 'warn', kinks: 2 }), tensor({ path: 'b', gradientKey: 'db', status: 'warn', kinks: 1 })],
      findings: [{ severity: 'warning', code: 'kink', message: 'kinks' }],
    }),
  );
  assert.equal(ds.length, 1);
  assert.equal(ds[0].severity, 'warning');
  assert.equal(ds[0].code, 'kink');
  assert.match(ds[0].message, /3 elements sit on a kink.*dW \(2\), db \(1\)/);
});

test('a runtime error is an error at the throwing line; time-outs and memory say so', () => {
  const location = range('/ws/affine.ts', 20, 4, 30);
  const threw = declarationDiagnostics(
    report({ status: 'error', tensors: [], findings: [{ severity: 'error', code: 'threw', phase: 'backward', message: 'boom', location }] }),
  );
  assert.equal(threw.length, 1);
  assert.deepEqual(threw[0].range, location);
  assert.equal(threw[0].message, 'affine: backward threw: boom');
  const timeout = declarationDiagnostics(
    report({ status: 'error', tensors: [], findings: [{ severity: 'error', code: 'timeout', message: 'stopped after 3 s' }] }),
  );
  assert.match(timeout[0].message, /time limit: stopped after 3 s/);
  assert.deepEqual(timeout[0].range, report().range, 'no location: on the declaration');
  const memory = declarationDiagnostics(
    report({ status: 'error', tensors: [], findings: [{ severity: 'error', code: 'memory', message: 'used more than 2048 MiB' }] }),
  );
  assert.match(memory[0].message, /memory limit/);
});

test('a missing gradient is reported once, on its tensor', () => {
  const ds = declarationDiagnostics(
    report({
      status: 'error',
      tensors: [tensor({ status: 'error', problem: 'the gradient dW was not returned', source: range('/ws/affine.ts', 9, 2) })],
      findings: [{ severity: 'error', code: 'missing-gradient', message: 'dW missing', tensor: 'W' }],
    }),
  );
  assert.equal(ds.length, 1);
  assert.match(ds[0].message, /was not returned/);
});

test('cancelled runs leave no diagnostics; file findings land at their location', () => {
  assert.deepEqual(
    declarationDiagnostics(report({ status: 'error', tensors: [], findings: [{ severity: 'info', code: 'cancelled', message: 'cancelled' }] })),
    [],
  );
  const [compile] = fileFindingDiagnostics('/ws/a.ts', [
    { severity: 'error', code: 'compile-error', message: 'Expected ;', location: range('/ws/a.ts', 3, 7) },
  ]);
  assert.equal(compile.range.start.line, 3);
  const [noLocation] = fileFindingDiagnostics('/ws/a.ts', [{ severity: 'error', code: 'load-error', message: 'x' }]);
  assert.deepEqual(noLocation.range.start, { line: 0, column: 0 });
});

test('problems about a whole declaration underline its first line only', () => {
  const whole = { file: '/ws/affine.ts', start: { line: 4, column: 0 }, end: { line: 20, column: 3 } };
  const [d] = declarationDiagnostics(report({ range: whole, status: 'error', tensors: [], findings: [{ severity: 'error', code: 'timeout', message: 'x' }] }));
  assert.deepEqual(d.range.start, { line: 4, column: 0 });
  assert.equal(d.range.end.line, 4);
});
