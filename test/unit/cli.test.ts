// The `gradlens` command as a user runs it: the bundled CLI in dist/, exit codes, and every output format.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
  assert.deepEqual(run.declarations.map((d: { name: string }) => d.name), ['relu']);
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
