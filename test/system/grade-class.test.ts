// Grades the fixture class end to end: a reference assignment and fifteen submissions (correct, typical bugs,
// partial work, a syntax error, an endless loop, a typed-array memory bomb, process.exit, process.kill of the
// grader, reading, importing and linking another student's files, overwriting the results). Asserts every score, the
// feedback, that the hostile submissions changed nothing, the output formats, and resuming.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { gradeClass, type GradeRun } from '../../core/grade/grader';
import type { StudentResult } from '../../core/grade/results';
import { listSubmissions } from '../../core/grade/submissions';
import { ASSIGNMENT, buildWorker, readableTempDir, SUBMISSIONS } from '../fixtures/class/build';

let dist: string;
let out: string;
let worker: string;
let run: GradeRun;
let throughput = '';
const students = new Map<string, StudentResult>();

const task = (student: string, name: string) => {
  const t = students.get(student)?.tasks.find((x) => x.name === name);
  assert.ok(t, `${student} has a result for ${name}`);
  return t;
};
const item = (student: string, name: string, key: string) => {
  const i = task(student, name).items.find((x) => x.key === key);
  assert.ok(i, `${student}/${name} has an item ${key}`);
  return i;
};

before(async () => {
  dist = readableTempDir('gradlens-test-dist-');
  out = readableTempDir('gradlens-test-grades-');
  worker = await buildWorker(dist);
  // trent's submission writes to this path: the attack needs to know where the results are.
  process.env.GRADLENS_FIXTURE_OUT = out;
  const started = performance.now();
  run = await gradeClass({ assignment: ASSIGNMENT, submissions: await listSubmissions(SUBMISSIONS), outDir: out, workerScript: worker });
  const minutes = (performance.now() - started) / 60_000;
  for (const s of run.result.students) students.set(s.student, s);
  throughput = `graded ${run.graded} submissions in ${(minutes * 60).toFixed(1)} s: ${(run.graded / minutes).toFixed(0)} submissions/min (${run.sandbox.notes.join('; ')})`;
});

after(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  delete process.env.GRADLENS_FIXTURE_OUT;
});

// The throughput figure quoted in docs/grading.md comes from this line of the test output.
test('throughput, and the confinement in force', (t) => {
  t.diagnostic(throughput);
  assert.ok(run.graded > 0);
  assert.equal(run.sandbox.permissions, true);
  // As root (containers, Gradescope) submissions run as nobody; otherwise as the current user.
  if (process.getuid?.() === 0) assert.equal(run.sandbox.user?.name, 'nobody');
});

describe('scores', () => {
  test('every submission gets the expected total', () => {
    const expected: Record<string, number> = {
      alice: 11,
      bob: 8,
      'broken-grace': 3,
      carol: 9,
      dave: 9,
      erin: 9,
      frank: 9,
      heidi: 5,
      ivan: 9,
      judy: 8,
      mallory: 5,
      oscar: 6,
      peggy: 7,
      sybil: 3,
      trent: 8,
    };
    const actual = Object.fromEntries([...students].map(([name, s]) => [name, s.score]));
    assert.deepEqual(actual, expected);
    for (const s of students.values()) assert.equal(s.maxScore, 11);
    assert.equal(run.result.maxScore, 11);
  });

  test('partial credit per gradient: a wrong db costs only its point', () => {
    assert.deepEqual(
      task('peggy', 'Affine layer').items.map((i) => [i.key, i.score]),
      [
        ['dx', 2],
        ['dW', 2],
        ['db', 0],
        ['forward', 1],
      ],
    );
    assert.match(item('peggy', 'Affine layer', 'db').feedback, /db \(wrong\): db is wrong in \d+ of 3/);
  });

  test('a wrong forward with a matching backward does not pass', () => {
    const erin = task('erin', 'Affine layer');
    assert.equal(item('erin', 'Affine layer', 'db').score, 0);
    assert.equal(item('erin', 'Affine layer', 'forward').score, 0);
    assert.equal(erin.self?.status, 'pass', "erin's backward matches her own forward");
    assert.equal(erin.forward?.match, false);
    assert.match(erin.feedback, /consistent with your own forward, but your forward differs from the reference/);
    assert.match(erin.feedback, /Worst: out\[\d, \d\] is/);
  });

  test('typical bugs are named with the hint the editor shows', () => {
    const bob = item('bob', 'Softmax loss', 'dscores');
    assert.equal(bob.score, 0);
    assert.ok(bob.hints.includes('scaled'), `hints: ${bob.hints}`);
    assert.match(bob.feedback, /1\/N/);
    const carol = item('carol', 'ReLU', 'dx');
    assert.ok(carol.hints.includes('sign'), `hints: ${carol.hints}`);
    assert.match(carol.feedback, /worst at \[\d, \d\]: analytic -?[\d.]+ vs numeric -?[\d.]+/);
    const dave = item('dave', 'Affine layer', 'dW');
    assert.equal(dave.score, 0);
    assert.match(dave.feedback, /transpose/);
    assert.equal(item('dave', 'Affine layer', 'dx').score, 2);
  });

  test('the metric is named in the feedback', () => {
    const feedback = task('alice', 'Affine layer').feedback;
    assert.match(feedback, /Metric: your analytic gradient against the reference solution's numerical gradient/);
    assert.match(feedback, /\|analytic − numeric\| ≤ 10·\(error estimate of the numeric value\)/);
  });
});

describe('submissions that cannot be graded get zero on the affected tasks, with a reason', () => {
  const cases: [string, string, string, RegExp][] = [
    ['broken-grace', 'Affine layer', 'compile-error', /does not compile: Expected "\]"/],
    ['frank', 'ReLU', 'missing-export', /does not export the functions 'reluForward', 'reluBackward'/],
    ['heidi', 'Affine layer', 'timeout', /time limit.*while running backward/],
    ['ivan', 'ReLU', 'memory', /memory limit/],
    ['judy', 'Softmax loss', 'exited', /process\.exit\(0\)/],
    // A kill of another process is a refused access like a read outside the submission: one rule for both.
    ['mallory', 'Affine layer', 'access-denied', /signal another process, which the grader does not allow: process\.kill\(/],
    ['oscar', 'ReLU', 'access-denied', /tried to read .*alice\/layers\.ts, which the grader does not allow/],
    ['oscar', 'Softmax loss', 'forbidden-import', /imports loss\.ts from outside the submission folder/],
    ['peggy', 'Softmax loss', 'missing-file', /has no loss\.ts/],
    // Only the tasks whose file is the link: sybil's own loss.ts is graded (its process cannot read its folder).
    ['sybil', 'Affine layer', 'forbidden-import', /layers\.ts is a link to a file outside the submission folder/],
    ['sybil', 'ReLU', 'forbidden-import', /layers\.ts is a link to a file outside the submission folder/],
    ['trent', 'Softmax loss', 'access-denied', /outside its own submission/],
  ];
  for (const [student, name, code, message] of cases) {
    test(`${student}: ${name} (${code})`, () => {
      const t = task(student, name);
      assert.equal(t.error?.code, code, t.error?.message);
      assert.match(t.error!.message, message);
      assert.equal(t.score, 0);
      assert.ok(t.items.length > 0 && t.items.every((i) => i.score === 0 && /No points for this task/.test(i.feedback)));
    });
  }

  test('their other tasks are graded as if they were alone', () => {
    assert.equal(task('broken-grace', 'Softmax loss').score, 3);
    assert.equal(task('heidi', 'ReLU').score, 2);
    assert.equal(task('ivan', 'Affine layer').score, 6);
    assert.equal(task('mallory', 'ReLU').score, 2);
    assert.equal(task('trent', 'Affine layer').score, 6);
    assert.equal(task('sybil', 'Softmax loss').score, 3);
    assert.match(task('sybil', 'Softmax loss').feedback, /links to files outside its folder \(layers\.ts, loot\); its code ran without read access/);
  });
});

describe('nothing leaks', () => {
  test("trent's writes did not reach the results", () => {
    const csv = readFileSync(path.join(out, 'gradebook.csv'), 'utf8');
    assert.doesNotMatch(csv, /trent,100/);
    assert.match(csv, /\ntrent,2,2,1,1,2,0,6,2,0,8,11,72\.7,/);
    const stored = JSON.parse(readFileSync(path.join(out, 'students', 'trent', 'result.json'), 'utf8')) as StudentResult;
    assert.equal(stored.score, 8);
  });

  test("oscar did not get alice's loss", () => {
    assert.equal(task('oscar', 'Softmax loss').score, 0);
  });

  test('the grader and the class survived process.kill(process.ppid)', () => {
    assert.equal(students.size, 15);
    assert.equal(run.graded, 15);
  });
});

describe('outputs', () => {
  test('Gradescope results.json has the documented fields', () => {
    const results = JSON.parse(readFileSync(path.join(out, 'students', 'dave', 'results.json'), 'utf8'));
    assert.equal(results.score, 9);
    assert.ok(Array.isArray(results.tests) && results.tests.length === 6);
    for (const t of results.tests) {
      assert.deepEqual(Object.keys(t).sort(), ['max_score', 'name', 'output', 'output_format', 'score', 'status', 'tags', 'visibility']);
      assert.ok(['passed', 'failed'].includes(t.status));
      assert.equal(t.visibility, 'visible');
    }
    const dW = results.tests.find((t: { name: string }) => t.name === 'Affine layer: dW');
    assert.deepEqual([dW.score, dW.max_score, dW.status], [0, 2, 'failed']);
    assert.equal(
      results.tests.reduce((a: number, t: { score: number }) => a + t.score, 0),
      results.score,
    );
  });

  test('the gradebook has a row per student and a column per gradient', () => {
    const lines = readFileSync(path.join(out, 'gradebook.csv'), 'utf8').trim().split('\r\n');
    assert.equal(lines.length, 16);
    assert.equal(
      lines[0],
      'student,Affine layer: dx,Affine layer: dW,Affine layer: db,Affine layer: forward,ReLU: dx,Softmax loss: dscores,Affine layer (total),ReLU (total),Softmax loss (total),total,max,percent,errors',
    );
    assert.ok(lines[1].startsWith('alice,2,2,1,1,2,3,6,2,3,11,11,100,'));
  });

  test('JUnit XML wraps a testsuite per student in testsuites', () => {
    const xml = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="HW2: backprop" tests="90"/);
    assert.equal(xml.match(/<testsuite /g)?.length, 15);
    assert.match(xml, /<testsuite name="heidi" tests="6" failures="0" errors="4"/);
    assert.match(xml, /<failure message="db \(wrong\)/);
  });

  test('the class summary is self-contained and CSP-safe, with charts', () => {
    const html = readFileSync(path.join(out, 'summary.html'), 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
    assert.equal(html.match(/<svg /g)?.length, 2);
    assert.match(html, /Most common hints/);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.students, 15);
    assert.equal(summary.perfect, 1);
    // sybil's own loss.ts counts: only the tasks of its linked layers.ts score zero.
    assert.deepEqual(summary.items.find((i: { key: string; task: string }) => i.task === 'Softmax loss').passed, 10);
  });

  test('per student: feedback text, feedback page and the heatmap report', () => {
    const dir = path.join(out, 'students', 'carol');
    assert.match(readFileSync(path.join(dir, 'feedback.txt'), 'utf8'), /^HW2: backprop: 9 \/ 11 points\n/);
    assert.match(readFileSync(path.join(dir, 'feedback.html'), 'utf8'), /carol: <b>9 \/ 11<\/b>/);
    // report.html needs the heatmap bundle (dist/webview.js): present after `npm run build`.
    if (existsSync(path.join(dir, 'report.html'))) assert.match(readFileSync(path.join(dir, 'report.html'), 'utf8'), /<html/);
  });
});

describe('resuming', () => {
  test('a second run reuses every stored result; a missing one is graded again', async () => {
    unlinkSync(path.join(out, 'students', 'alice', 'result.json'));
    const again = await gradeClass({ assignment: ASSIGNMENT, submissions: await listSubmissions(SUBMISSIONS), outDir: out, workerScript: worker });
    assert.equal(again.reused, 14);
    assert.equal(again.graded, 1);
    assert.deepEqual(
      again.result.students.map((s) => [s.student, s.score]),
      run.result.students.map((s) => [s.student, s.score]),
    );
  });

  test('grading some students again keeps everyone in the class files', async () => {
    const some = await gradeClass({
      assignment: ASSIGNMENT,
      submissions: await listSubmissions(SUBMISSIONS),
      only: ['bob'],
      regrade: true,
      outDir: out,
      workerScript: worker,
    });
    assert.deepEqual([some.graded, some.reused], [1, 0]);
    assert.equal(some.result.students.length, 15);
    assert.equal(readFileSync(path.join(out, 'gradebook.csv'), 'utf8').trim().split('\r\n').length, 16);
  });
});
