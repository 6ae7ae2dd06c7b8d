// The Gradescope autograder end to end: build the zip, unpack it into a fake /autograder (the root comes from
// GRADLENS_AUTOGRADER_ROOT), run its run_autograder script per submission, and read results/results.json.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { buildGradescopeBundle } from '../../core/grade/bundle';
import { ASSIGNMENT, buildGradeCli, buildWorker, readableTempDir, SUBMISSIONS } from '../fixtures/class/build';
import { unzip, type ZipEntry } from '../fixtures/class/unzip';

const ROOT = path.resolve(__dirname, '..', '..');
let temp: string;
let root: string;
let entries: ZipEntry[];

before(async () => {
  temp = readableTempDir('gradlens-test-autograder-');
  const dist = path.join(temp, 'dist');
  mkdirSync(dist);
  await buildWorker(dist);
  await buildGradeCli(dist);
  const zip = await buildGradescopeBundle({ assignment: ASSIGNMENT, out: path.join(temp, 'autograder.zip'), distDir: dist });
  root = path.join(temp, 'autograder');
  mkdirSync(path.join(root, 'source'), { recursive: true, mode: 0o755 });
  entries = unzip(zip.path, path.join(root, 'source'));
  // What setup.sh's `npm install` provides on Gradescope.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'source', 'node_modules'));
});

after(() => rmSync(temp, { recursive: true, force: true }));

test("the zip has Gradescope's two scripts at its root, executable, and everything they need", () => {
  const byName = new Map(entries.map((e) => [e.name, e.mode]));
  for (const name of ['setup.sh', 'run_autograder', 'assignment.js', 'package.json', 'gradlens/cli.js', 'gradlens/worker.js'])
    assert.ok(byName.has(name), name);
  assert.equal(byName.get('setup.sh'), 0o755);
  assert.equal(byName.get('run_autograder'), 0o755);
  const manifest = JSON.parse(readFileSync(path.join(root, 'source', 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['esbuild', 'typescript']);
  assert.match(readFileSync(path.join(root, 'source', 'setup.sh'), 'utf8'), /nodejs\.org\/dist\/v\$\{NODE_VERSION\}/);
});

function grade(student: string): {
  status: number | null;
  results: { score: number; tests: { name: string; score: number; max_score: number; status: string; output: string }[] };
  stdout: string;
} {
  rmSync(path.join(root, 'submission'), { recursive: true, force: true });
  rmSync(path.join(root, 'results'), { recursive: true, force: true });
  cpSync(path.join(SUBMISSIONS, student), path.join(root, 'submission'), { recursive: true });
  mkdirSync(path.join(root, 'results'));
  const run = spawnSync('bash', [path.join(root, 'source', 'run_autograder')], {
    env: { ...process.env, GRADLENS_AUTOGRADER_ROOT: root, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const results = JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8'));
  return { status: run.status, results, stdout: `${run.stdout}\n${run.stderr}` };
}

test('run_autograder grades a correct submission into results/results.json', () => {
  const { status, results, stdout } = grade('alice');
  assert.equal(status, 0, stdout);
  assert.equal(results.score, 11);
  assert.equal(results.tests.length, 6);
  assert.ok(results.tests.every((t) => t.status === 'passed'));
});

test('run_autograder gives partial credit with feedback', () => {
  const { status, results, stdout } = grade('dave');
  assert.equal(status, 0, stdout);
  assert.equal(results.score, 9);
  const dW = results.tests.find((t) => t.name === 'Affine layer: dW');
  assert.equal(dW?.status, 'failed');
  assert.match(dW!.output, /transpose/);
});

test('a submission without one of the files still gets its other points', () => {
  const { status, results, stdout } = grade('peggy');
  assert.equal(status, 0, stdout);
  assert.equal(results.score, 7);
  assert.match(results.tests.find((t) => t.name === 'Softmax loss: dscores')!.output, /has no loss\.ts/);
});
