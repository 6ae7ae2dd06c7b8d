// Grades a class written the way cs231n homework is written: positional functions (affineForward(x, w, b)),
// { out, cache } / [out, cache] / { loss, dx } / [loss, dx] / [dx, dw, db] returns, an explicit argument order,
// correct and buggy students, and hostile ones that catch their own refused reads, writes and kills — from an
// assignment file with no adapter. Asserts every score, the call shown in feedback, and the refusals in the summary.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { gradeClass, type GradeRun } from '../../core/grade/grader';
import type { StudentResult } from '../../core/grade/results';
import { listSubmissions } from '../../core/grade/submissions';
import { buildWorker, readableTempDir } from '../fixtures/class/build';

const FIXTURE = path.resolve(__dirname, '../fixtures/class-cs231n');
let dist: string;
let out: string;
let run: GradeRun;
const students = new Map<string, StudentResult>();
const task = (student: string, name: string) => {
  const t = students.get(student)?.tasks.find((x) => x.name === name);
  assert.ok(t, `${student} has a result for ${name}`);
  return t;
};

before(async () => {
  dist = readableTempDir('gradlens-test-dist-');
  out = readableTempDir('gradlens-test-grades-');
  const worker = await buildWorker(dist);
  run = await gradeClass({
    assignment: path.join(FIXTURE, 'assignment.ts'),
    submissions: await listSubmissions(path.join(FIXTURE, 'submissions')),
    outDir: out,
    workerScript: worker,
  });
  for (const s of run.result.students) students.set(s.student, s);
});

after(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('a cs231n-style class', () => {
  test('every student gets the expected total, with no adapter in the assignment', () => {
    const actual = Object.fromEntries([...students].map(([name, s]) => [name, s.score]));
    assert.deepEqual(actual, { ana: 11, ben: 11, cole: 7, dina: 5, eli: 3, fay: 3, gus: 5, hal: 6 });
    for (const s of students.values()) assert.equal(s.maxScore, 11);
  });

  test('tuple returns ([out, cache], [dx, dw, db], [loss, dx]) score like named ones', () => {
    assert.deepEqual(
      task('ben', 'Affine layer').items.map((i) => [i.key, i.score]),
      task('ana', 'Affine layer').items.map((i) => [i.key, i.score]),
    );
    assert.equal(task('ben', 'Softmax loss').score, 3);
  });

  test('typical bugs cost their gradients, with the hint', () => {
    const cole = task('cole', 'Affine layer');
    assert.deepEqual(
      cole.items.map((i) => [i.key, i.score]),
      [
        ['dx', 2],
        ['dw', 2],
        ['db', 0],
        ['forward', 1],
      ],
    );
    const loss = task('cole', 'Softmax loss');
    assert.equal(loss.score, 0);
    assert.ok(loss.items[0].hints.includes('scaled'), `hints: ${loss.items[0].hints}`);
  });

  test('a call that fails says how the grader called the function and what it expected back', () => {
    const gus = task('gus', 'Affine layer');
    assert.equal(gus.score, 0);
    assert.match(gus.feedback, /called as affineForward\(x, w, b\)/);
    assert.match(gus.feedback, /expected back the output, \{ out, cache \} or \[out, cache\]/);
  });

  test('a forward that earns its point while the backward throws: header and text agree', () => {
    const hal = task('hal', 'Affine layer');
    assert.equal(hal.score, 1);
    assert.doesNotMatch(hal.feedback, /No points for this task/);
    assert.match(hal.feedback, /No points for the gradients: .*TODO: affine backward/);
  });

  test('a refused read that the code caught still costs the task, and is named', () => {
    const dina = task('dina', 'Affine layer');
    assert.equal(dina.score, 0);
    assert.equal(dina.error?.code, 'access-denied');
    assert.match(dina.feedback, /tried to read \/etc\/passwd/);
    assert.equal(task('dina', 'ReLU').score, 2, 'a refusal in one task does not touch the others');
  });

  test('a refusal at import (a write, a kill) costs every task of that file, labelled as happening at import', () => {
    for (const student of ['eli', 'fay']) {
      for (const name of ['Affine layer', 'ReLU']) {
        const t = task(student, name);
        assert.equal(t.score, 0, `${student} ${name}`);
        assert.equal(t.error?.code, 'access-denied', `${student} ${name}: ${t.error?.message}`);
        assert.match(t.error!.message, /at import/);
      }
      assert.equal(task(student, 'Softmax loss').score, 3);
    }
    assert.match(task('eli', 'ReLU').error!.message, /write \/tmp\/gradlens-fixture-eli\.txt/);
    assert.match(task('fay', 'Affine layer').error!.message, /signal another process/);
    assert.equal(existsSync('/tmp/gradlens-fixture-eli.txt'), false);
  });

  test("the instructor's summary lists every refused access", () => {
    const summary = readFileSync(path.join(out, 'summary.html'), 'utf8');
    assert.match(summary, /Refused accesses/);
    for (const student of ['dina', 'eli', 'fay']) assert.match(summary, new RegExp(`<td>${student}</td>`));
    assert.match(summary, /\/etc\/passwd/);
  });
});
