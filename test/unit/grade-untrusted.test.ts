// What a student's process sends is bounded where it enters the grader, and the class outputs' columns come
// from the assignment's plan, never from keys a student's result carries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradebookCsv } from '../../core/grade/outputs/gradebook';
import { GRADE_SCHEMA, GRADE_VERSION, type StudentResult } from '../../core/grade/results';
import { taskLayout } from '../../core/grade/score';
import { classStats } from '../../core/grade/stats';
import { gradedAgainstReference } from '../../core/grade/substitute';
import { boundOutcome, boundStrings, capText, MAX_TEXT } from '../../core/grade/untrusted';
import { emptyElements, type RawCheck } from '../../core/engine/raw';

test('text is capped once, saying how much was cut', () => {
  assert.equal(capText('short'), 'short');
  const capped = capText('M'.repeat(5_000_000));
  assert.equal(capped.length, MAX_TEXT + '… (4998000 more characters)'.length);
  assert.match(capped, /… \(4998000 more characters\)$/);
});

test('every string of a reply is capped, long lists are cut, numbers and typed arrays are left alone', () => {
  const values = new Float64Array([1, 2, 3]);
  const reply = boundStrings({
    findings: Array.from({ length: 500 }, () => ({ severity: 'error', message: 'x'.repeat(10_000) })),
    claims: [{ path: 'x', analytic: [values], problem: 'p'.repeat(10_000) }],
    numbers: [1, 2, 3],
    ['k'.repeat(MAX_TEXT + 1)]: 'dropped',
  });
  assert.equal(reply.findings.length, 50);
  assert.ok(reply.findings.every((f) => f.message.length < MAX_TEXT + 40));
  assert.ok(reply.claims[0].problem.length < MAX_TEXT + 40);
  assert.equal(reply.claims[0].analytic[0], values);
  assert.deepEqual(reply.numbers, [1, 2, 3]);
  assert.equal(Object.keys(reply).length, 3);
  // A sparse array of length 2^32 − 1 (structured clone keeps it) is walked by its keys, not counted through.
  const sparse: unknown[] = [];
  sparse[2 ** 32 - 2] = 'y'.repeat(10_000);
  const started = performance.now();
  boundStrings({ sparse });
  assert.ok(performance.now() - started < 1000);
  assert.ok((sparse[2 ** 32 - 2] as string).length < MAX_TEXT + 40);
  // A deep chain does not overflow the grader's stack.
  let deep: Record<string, unknown> = { leaf: 'z'.repeat(10_000) };
  for (let i = 0; i < 100_000; i++) deep = { next: deep };
  boundStrings(deep);
});

test('a failed job keeps a capped message and stack', () => {
  const outcome = boundOutcome({ ok: false, kind: 'threw', message: 'm'.repeat(100_000), stack: 's'.repeat(100_000), durationMs: 1 });
  assert.ok(!outcome.ok && outcome.message.length < MAX_TEXT + 40 && (outcome.stack?.length ?? 0) < 2 * MAX_TEXT + 40);
});

test("a gradient's name is the reference's, whatever name the student's process sent", () => {
  const reference = {
    objectives: 1,
    tensors: [{ path: 'scores', gradientKey: 'dscores', shape: [2], size: 2 }],
    elements: emptyElements(),
    directions: [],
    findings: [],
  } as unknown as RawCheck;
  const planned = [{ path: 'scores', gradientKey: 'dscores', shape: [2], size: 2 }];
  const graded = gradedAgainstReference(reference, planned, [{ path: 'scores', gradientKey: 'evil column', analytic: [new Float64Array(2)] }]);
  assert.equal(graded.tensors[0].gradientKey, 'dscores');
});

test('gradebook columns and pass rates come from the plan; a key only a student carries is dropped', () => {
  const layout = taskLayout({ name: 'Loss', points: 3, reference: { tensors: [{ path: 'x', gradientKey: 'dx', shape: [2], size: 2 }] } as never });
  assert.deepEqual(layout, { name: 'Loss', items: ['dx'] });
  assert.deepEqual(taskLayout({ name: 'Own', points: 3 }).items, []);
  assert.deepEqual(taskLayout({ name: 'Table', points: { dW: 1, forward: 1 } }).items, ['dW']);
  const result = (name: string, key: string, score: number): StudentResult => ({
    schema: GRADE_SCHEMA,
    version: GRADE_VERSION,
    student: name,
    submissionHash: 'h',
    assignmentHash: 'a',
    assignment: 'HW',
    score,
    maxScore: 3,
    gradedAt: '2026-01-01T00:00:00.000Z',
    timeMs: 1,
    tasks: [
      {
        name: 'Loss',
        file: 'loss.ts',
        score,
        maxScore: 3,
        visibility: 'visible',
        metric: '',
        feedback: '',
        timeMs: 1,
        items: [{ key, score, maxScore: 3, status: 'pass', feedback: '', hints: [] }],
      },
    ],
  });
  const classResult = { assignment: 'HW', maxScore: 3, tasks: [layout], students: [result('honest', 'dx', 3), result('sly', 'x', 3)] };
  const csv = gradebookCsv(classResult).split('\r\n');
  assert.equal(csv[0], 'student,Loss: dx,Loss (total),total,max,percent,errors');
  assert.equal(csv[1], 'honest,3,3,3,3,100,');
  assert.deepEqual(
    classStats(classResult).items.map((i) => [i.key, i.passed, i.attempted]),
    [['dx', 1, 1]],
  );
});
