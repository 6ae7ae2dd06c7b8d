import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultsStore } from '../../../extension/results-store';
import { report } from './report-fixtures';

test('the lens state follows a run: idle, running, done', () => {
  const store = new ResultsStore();
  const changes: string[] = [];
  store.onDidChange((file) => changes.push(file));
  assert.deepEqual(store.lensState('/a.ts', 'affine', true), { kind: 'idle' });
  assert.deepEqual(store.lensState('/a.ts', 'affine', false), { kind: 'untrusted' });
  store.markRunning('/a.ts', undefined, ['affine']);
  assert.deepEqual(store.lensState('/a.ts', 'affine', true), { kind: 'running' });
  const r = report({ file: '/a.ts' });
  store.setReport(r);
  store.finish('/a.ts', { file: '/a.ts', declarations: [r], findings: [], dependencies: ['/a.ts'], cancelled: false });
  assert.deepEqual(store.lensState('/a.ts', 'affine', true), { kind: 'done', report: r, outdated: false, running: false });
  assert.ok(changes.length >= 3);
});

test('an edit outdates results until the re-run replaces them', () => {
  const store = new ResultsStore();
  store.setReport(report({ file: '/a.ts' }));
  store.markOutdated('/a.ts');
  assert.ok(store.isOutdated('/a.ts', 'affine'));
  assert.deepEqual(store.totals(), { pass: 0, warn: 0, fail: 0, error: 0, outdated: 1 });
  store.markRunning('/a.ts', ['affine'], ['affine']);
  const state = store.lensState('/a.ts', 'affine', true);
  assert.equal(state.kind === 'done' && state.running && state.outdated, true);
  // A cancelled re-run leaves the old result outdated, not current.
  store.finish('/a.ts', { file: '/a.ts', declarations: [], findings: [], dependencies: [], cancelled: true });
  assert.ok(store.isOutdated('/a.ts', 'affine'));
  store.setReport(report({ file: '/a.ts', status: 'fail' }));
  assert.ok(!store.isOutdated('/a.ts', 'affine'));
  assert.deepEqual(store.totals(), { pass: 0, warn: 0, fail: 1, error: 0, outdated: 0 });
});

test('a file that stops compiling outdates its reports and keeps the compile error', () => {
  const store = new ResultsStore();
  store.setReport(report({ file: '/a.ts' }));
  store.finish('/a.ts', {
    file: '/a.ts',
    declarations: [],
    findings: [{ severity: 'error', code: 'compile-error', message: 'Expected ;' }],
    dependencies: [],
    cancelled: false,
  });
  assert.ok(store.isOutdated('/a.ts', 'affine'));
  assert.equal(store.fileFindings('/a.ts').findings[0].code, 'compile-error');
});

test('an engine failure becomes a file finding; removed declarations are dropped', () => {
  const store = new ResultsStore();
  store.setReport(report({ file: '/a.ts', name: 'gone' }));
  store.setReport(report({ file: '/a.ts', name: 'kept' }));
  store.finish('/a.ts', undefined, new Error('worker could not start'));
  assert.match(store.fileFindings('/a.ts').findings[0].message, /worker could not start/);
  store.retain('/a.ts', ['kept']);
  assert.deepEqual(
    store.reports('/a.ts').map((r) => r.name),
    ['kept'],
  );
  store.remove('/a.ts');
  assert.deepEqual(store.checkedFiles(), []);
});

test('a file that does not compile says so in the lens of a declaration without a current result', () => {
  const store = new ResultsStore();
  store.markRunning('/a.ts', undefined, ['affine']);
  store.finish('/a.ts', {
    file: '/a.ts',
    declarations: [],
    findings: [{ severity: 'error', code: 'compile-error', message: 'Expected ";". More.' }],
    dependencies: [],
    cancelled: false,
  });
  const state = store.lensState('/a.ts', 'affine', true);
  assert.equal(state.kind, 'fileError');
  store.markOutdated('/a.ts');
  assert.equal(store.lensState('/a.ts', 'affine', true).kind, 'idle', 'an outdated compile error is not shown as current');
});
