// Pure parts of the runner: finding the user's frame in a stack trace, and esbuild's byte columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseStack, userLocation } from '../../core/runner/stack';
import { byteToUtf16Column } from '../../core/runner/compile-diagnostics';

const repo = path.resolve(__dirname, '../..');
const user = '/home/ana/project/model.ts';

test('userLocation skips node internals, node_modules and the engine, and is 0-based', () => {
  const stack = [
    'Error: boom',
    '    at Object.<anonymous> (node:internal/modules/cjs/loader:1521:14)',
    `    at check (${path.join(repo, 'core/engine/check.ts')}:10:3)`,
    `    at run (${path.join(repo, 'dist/worker.js')}:200:1)`,
    '    at helper (/home/ana/project/node_modules/lib/index.js:3:4)',
    `    at backward (${user}:12:7)`,
    `    at forward (${user}:5:1)`,
  ].join('\n');
  assert.deepEqual(userLocation(stack), { file: user, start: { line: 11, column: 6 }, end: { line: 11, column: 6 } });
});

test('userLocation understands file:// URLs, anonymous frames and async frames', () => {
  const stack = ['TypeError: x is undefined', '    at file:///home/ana/project/model.ts:3:9', '    at async run (/x/y.ts:1:1)'].join('\n');
  assert.deepEqual(userLocation(stack)?.start, { line: 2, column: 8 });
  assert.equal(userLocation(stack)?.file, user);
  const asyncFirst = ['Error', `    at async Promise.all (index 0)`, `    at async backward (${user}:4:2)`].join('\n');
  assert.deepEqual(userLocation(asyncFirst)?.start, { line: 3, column: 1 });
});

test('userLocation with userFiles only accepts those files', () => {
  const stack = ['Error', '    at a (/elsewhere/other.ts:1:1)', `    at b (${user}:7:3)`].join('\n');
  assert.equal(userLocation(stack, [user])?.start.line, 6);
  assert.equal(userLocation(stack, ['/nowhere.ts']), undefined);
  assert.equal(userLocation(undefined), undefined);
  assert.equal(userLocation('Error: no frames at all'), undefined);
});

test('eval frames and unmapped bundle code are not user locations', () => {
  const stack = [
    'Error',
    '    at eval (eval at run (/home/ana/project/model.ts:1:1), <anonymous>:1:1)',
    '    at __require (/tmp/gradlens-cache/0123456789abcdef0123.js:10:5)',
    `    at f (${user}:2:2)`,
  ].join('\n');
  assert.equal(userLocation(stack)?.start.line, 1);
  assert.equal(parseStack(stack).length, 2);
});

test('byteToUtf16Column converts esbuild byte columns on non-ASCII lines', () => {
  const line = 'const λ = "∂x"; let y = ;';
  const byteColumn = Buffer.byteLength(line.slice(0, line.indexOf(';', 16)));
  assert.equal(byteToUtf16Column(line, byteColumn), line.indexOf(';', 16));
  assert.equal(byteToUtf16Column('abc', 2), 2);
  assert.equal(byteToUtf16Column('abc', 5), 5);
});
