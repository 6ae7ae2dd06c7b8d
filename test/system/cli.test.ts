// The `gradlens` command as a user runs it: the bundled CLI in dist/, exit codes, and every output format; then
// the words of the terminal report and the progress line, from reports and progress messages made up here.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EvaluationProgressTracker, describeRunning } from '../../core/cli/evaluation-progress';
import { describeUnchecked, formatDeclaration, palette } from '../../core/cli/terminal-report';
import { evaluations, failing, report, tensor } from '../unit/extension/report-fixtures';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/gradlens.js');

function gradlens(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  if (!fs.existsSync(path.join(root, 'dist/cli.js')) || !fs.existsSync(path.join(root, 'dist/worker.js'))) {
    const b = spawnSync(process.execPath, ['esbuild.config.mjs', '--only=cli,worker,webview'], { cwd: root, stdio: 'inherit' });
    assert.equal(b.status, 0, 'build');
  }
});

test('a passing file exits 0 and says so', () => {
  const r = gradlens(['check', 'examples/affine.ts']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /✓ affine layer examples\/affine\.ts:\d+ +gradients match/);
  assert.match(r.out, /1 declaration in 1 file: 1 passed/);
});

test('a wrong gradient exits 1 with the worst element, the hint and where it was produced', () => {
  const r = gradlens(['check', 'examples/buggy/mse-factor-two.ts']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /✗ mseFactorTwo/);
  assert.match(r.out, /worst at \[\d+(, \d+)*\]: analytic .* vs numeric .* \(rel\. err 5\.0e-1/);
  assert.match(r.out, /hint: .*2 × numeric/);
  assert.match(r.out, /produced at examples\/buggy\/mse-factor-two\.ts:\d+:\d+/);
});

test('errors exit 2; nothing to check exits 2 with a message', () => {
  assert.equal(gradlens(['check', 'examples/buggy/affine-missing-db.ts']).code, 2);
  const none = gradlens(['check', 'no/such/dir']);
  assert.equal(none.code, 2);
  assert.match(none.err, /nothing matches 'no\/such\/dir'/);
  // Next to a file that exists, a path that matches nothing is still an error, in the report and the exit code.
  const typo = gradlens(['check', 'examples/tanh.ts', 'examples/tahn.ts', '--json']);
  assert.equal(typo.code, 2, typo.err);
  const run = JSON.parse(typo.out);
  assert.deepEqual(run.totals, { pass: 1, warn: 0, fail: 0, error: 1 });
  const missing = run.declarations.find((d: { kind: string }) => d.kind === 'file');
  assert.match(missing.findings[0].message, /nothing matches 'examples\/tahn\.ts'/);
});

test('--json prints the versioned run report; --junit and --html write files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-cli-'));
  const junit = path.join(dir, 'out/junit.xml');
  const html = path.join(dir, 'report.html');
  const r = gradlens(['check', 'examples/buggy/sigmoid-sign.ts', 'examples/tanh.ts', '--json', '--junit', junit, '--html', html]);
  assert.equal(r.code, 1);
  const run = JSON.parse(r.out);
  assert.equal(run.schema, 'gradlens.run');
  assert.equal(run.version, 1);
  assert.deepEqual(run.totals, { pass: 1, warn: 0, fail: 1, error: 0 });
  const sign = run.declarations.find((d: { name: string }) => d.name === 'sigmoidSign');
  assert.equal(sign.schema, 'gradlens.report');
  assert.equal(sign.tensors[0].hints[0].code, 'sign');
  const xml = fs.readFileSync(junit, 'utf8');
  assert.match(xml, /<testsuites name="gradlens" tests="2" failures="1" errors="0"/);
  assert.match(xml, /<testsuite name="examples\/buggy\/sigmoid-sign\.ts" tests="1" failures="1"/);
  assert.match(xml, /<failure message="[^"]*sign flipped/);
  const page = fs.readFileSync(html, 'utf8');
  assert.match(page, /<html/);
  assert.match(page, /sigmoidSign/);
});

test('folders and globs are expanded to files with declarations; --only and --mode apply', () => {
  const r = gradlens(['check', 'examples/*.ts', '--only', 'relu', '--mode', 'full', '--json']);
  const run = JSON.parse(r.out);
  assert.deepEqual(
    run.declarations.map((d: { name: string }) => d.name),
    ['relu'],
  );
  assert.equal(run.declarations[0].mode, 'full');
  const dir = gradlens(['check', 'examples', '--json']);
  const all = JSON.parse(dir.out);
  assert.equal(all.declarations.length, 35);
  assert.ok(!all.files.some((f: string) => f.includes(`${path.sep}lib${path.sep}`)), 'helper files without declarations are skipped');
});

test('init writes a starter file that type-checks without the package installed, and passes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlens-init-'));
  const r = gradlens(['init', dir]);
  assert.equal(r.code, 0, r.err);
  assert.ok(fs.existsSync(path.join(dir, 'gradients.check.ts')));
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
  assert.deepEqual(tsconfig.compilerOptions.paths.gradlens, ['./.gradlens/types/index.d.ts']);
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir, '--noEmit'], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  const check = gradlens(['check', dir]);
  assert.equal(check.code, 0, check.out + check.err);
  assert.match(check.out, /2 passed/);
});

// The progress line and the terminal report's words, without running anything.

test('the progress line counts declarations, then shows the evaluations of long running ones', () => {
  const t = new EvaluationProgressTracker();
  assert.equal(t.line(), '0/0 declarations');
  t.evaluations(evaluations({ file: '/a.ts', declaration: 'mlp', done: 840, planned: 1200, etaMs: 12_000 }));
  assert.equal(t.line(), '0/1 declarations · mlp: search 840/1200 evaluations · ~12 s left');
  assert.equal(t.value, 0.7);
  // A second worker runs another declaration: both are named; the longer estimate is when both are done.
  t.evaluations(evaluations({ file: '/b.ts', declaration: 'conv', stage: 'elements', done: 20, planned: 400, etaMs: 40_000 }));
  assert.equal(t.line(), '0/2 declarations · mlp: search 840/1200 · conv: elements 20/400 evaluations · ~40 s left');
  // The plan grows when a search narrows a failing direction: the count follows, the bar does not run backwards.
  t.evaluations(evaluations({ file: '/a.ts', declaration: 'mlp', done: 900, planned: 3000, etaMs: 50_000 }));
  assert.match(t.line(), /^0\/2 declarations · mlp: search 900\/3000 · conv: elements 20\/400 evaluations · ~50 s left$/);
  assert.equal(t.value, 0.7 + 0.05);
  t.declarationDone({ file: '/a.ts', declaration: 'mlp', done: 1, total: 3 });
  // A late message of a finished declaration is ignored.
  t.evaluations(evaluations({ file: '/a.ts', declaration: 'mlp', done: 3000, planned: 3000 }));
  assert.equal(t.line(), '1/4 declarations · conv: elements 20/400 evaluations · ~40 s left');
  t.fileDone('/b.ts');
  assert.equal(t.line(), '1/4 declarations · mlp');
  assert.equal(t.value, 1);
});

test('short checks show no evaluations: their first estimates are mostly warm-up', () => {
  const t = new EvaluationProgressTracker();
  t.evaluations(evaluations({ file: '/a.ts', declaration: 'lstm', done: 2, planned: 387, elapsedMs: 28, etaMs: 5500 }));
  assert.equal(t.line(), '0/1 declarations');
  t.evaluations(evaluations({ file: '/a.ts', declaration: 'lstm', done: 300, planned: 387, elapsedMs: 1200, etaMs: 300 }));
  assert.equal(t.line(), '0/1 declarations · lstm: search 300/387 evaluations · ~1 s left');
});

test('more running declarations than fit are counted', () => {
  const running = ['a', 'b', 'c', 'd'].map((declaration) => evaluations({ declaration, etaMs: undefined, done: 1, planned: 2 }));
  assert.equal(describeRunning(running), 'a: search 1/2 · b: search 1/2 evaluations · +2 more running');
});

const plain = palette(false);
const directionsOnly = (overrides = {}) =>
  tensor({ method: 'directions', checked: 0, maxRelErr: null, maxAbsErr: null, margin: 0.021, directions: [], ...overrides });

test('a tensor checked only along directions says so instead of a relative error', () => {
  const out = formatDeclaration(report({ tensors: [directionsOnly()] }), plain, '/ws', true);
  assert.match(out, /✓ dW +\[3×4\] directions only · worst direction at 2\.1% of its tolerance/);
  assert.doesNotMatch(out, /max rel\. err n\/a/);
  const direction = { scope: 'W', analytic: 1, numeric: 2, errEst: 1e-9, tolerance: 1e-6, margin: 35, pass: false, state: 'fail' as const };
  const wrong = report({
    status: 'fail',
    tensors: [directionsOnly({ status: 'fail', margin: 35, directions: [direction, { ...direction, margin: 0.1, pass: true, state: 'pass' as const }] })],
  });
  const text = formatDeclaration(wrong, plain, '/ws');
  assert.match(text, /✗ dW +\[3×4\] directions only · worst direction at 35× its tolerance \(2 directions\)/);
  assert.match(text, /wrong along 1 of 2 random directions; no element compared/);
});

test('what a check did not get to is said, and a partial result is marked', () => {
  assert.equal(describeUnchecked({ blocks: 12, elements: 3000, reason: 'time-limit' }), '12 failing blocks (3,000 elements) not narrowed: time limit reached');
  assert.equal(describeUnchecked({ blocks: 1, elements: 250, reason: 'budget' }), '1 failing block (250 elements) not narrowed: evaluation budget spent');
  assert.equal(describeUnchecked({ blocks: 0, elements: 40, reason: 'budget' }), '40 elements not checked: evaluation budget spent');
  const partial = report({ partial: true, tensors: [tensor({ method: 'blocks', unchecked: { blocks: 12, elements: 3000, reason: 'time-limit' } })] });
  const out = formatDeclaration(partial, plain, '/ws');
  assert.match(out.split('\n')[0], /all gradients match \(partial: the check stopped early\)$/);
  assert.match(out, /\n +12 failing blocks \(3,000 elements\) not narrowed: time limit reached/, 'a partial pass still lists its tensors');
  assert.doesNotMatch(
    formatDeclaration(report({ partial: true, summary: 'partial: 2 of 3 gradients checked' }), plain, '/ws').split('\n')[0],
    /stopped early/,
    'not said twice',
  );
});

test('a search over blocks that found wrong elements says how many blocks failed', () => {
  const blocks = [
    { from: 0, to: 4, state: 'fail' as const, margin: 40 },
    { from: 4, to: 8, state: 'pass' as const, margin: 0.1 },
    { from: 8, to: 12, state: 'pass' as const, margin: 0.2 },
  ];
  const out = formatDeclaration(report({ status: 'fail', tensors: [failing({ method: 'blocks', checked: 4, failing: 2, blocks })] }), plain, '/ws');
  assert.match(out, /max rel\. err 5\.0e-1 \(blocks, 4 elements\)/);
  assert.match(out, /\n +1 of 3 blocks failed; 2 of 4 checked elements wrong; worst at \[1, 2\]/);
});
