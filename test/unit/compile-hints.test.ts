// Words about broken code: an unclosed '{' is pointed at where it opens (not where the parser gave up), a NaN
// gradient is not summarised as agreement, and a gradient zeroed by writing into the inputs is called a mutation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn, randn } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { unclosedBrace, withBraceHint } from '../../core/runner/compile-diagnostics';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';

const stray = [
  'export function a(x: number) {',
  '  if (x > 0) {',
  '    return 1;',
  '',
  '  return 2;',
  '}',
  '',
  'export function b() {',
  '  return 3;',
  '}',
  '',
].join('\n');

test("an unclosed '{' is found by indentation, where it opens", () => {
  assert.deepEqual(unclosedBrace(stray), { line: 1, column: 13 });
  assert.equal(unclosedBrace('function f() {\n  return "{";\n}\n'), null, 'braces in strings do not count');
  assert.equal(unclosedBrace('// {\nfunction f() {\n  return 1;\n}\n'), null, 'nor in comments');
});

test('a compile error at the end of a block is moved to the brace that is never closed', () => {
  const finding = withBraceHint(
    {
      severity: 'error',
      code: 'compile-error',
      message: 'Unexpected "export"',
      location: { file: '/x.ts', start: { line: 7, column: 0 }, end: { line: 7, column: 6 } },
    },
    () => stray,
  );
  assert.equal(finding.location?.start.line, 1);
  assert.match(finding.message, /the '\{' on line 2 is probably never closed/);
});

const check = (decl: unknown) => assembleReport(runDeclarationCheck(decl as Declaration, 'd', { mode: 'full' }), { file: 'x', timeMs: 0, workers: 1 });

test('a NaN gradient is not summarised as a small max rel. err', () => {
  const r = check(
    fn({ at: { x: randn([4]) }, f: ({ x }) => x.data.reduce((a, v) => a + v * v, 0), grad: ({ x }) => ({ x: x.data.map((v, i) => (i === 2 ? NaN : 2 * v)) }) }),
  );
  assert.equal(r.status, 'fail');
  assert.doesNotMatch(r.summary, /max rel\. err 0/);
  assert.match(r.summary, /NaN/);
});

test('a gradient zeroed by writing into the inputs is called a mutation, not "never written"', () => {
  const r = check(
    fn({
      at: { x: randn([4]) },
      f: ({ x }) => x.data.reduce((a, v) => a + v * v, 0),
      grad: ({ x }) => {
        x.data.fill(0); // "reset" the wrong buffer
        return { x: x.data.map((v) => 2 * v) };
      },
    }),
  );
  assert.equal(r.status, 'fail');
  const hint = r.tensors[0].hints[0];
  assert.equal(hint?.code, 'zero');
  assert.match(hint.message, /writes into its inputs/);
  assert.doesNotMatch(hint.message, /never written/);
});
