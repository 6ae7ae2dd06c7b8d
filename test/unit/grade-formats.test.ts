// The grader's pure parts: the assignment contract's validation, points per gradient, the forward
// comparison, the claims check against the reference, and the output formats' escaping.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assignment, validateAssignment, type AssignmentSpec } from '../../core/grade/assignment';
import { compareForward, flattenOutput } from '../../core/grade/output';
import { csvCell, gradebookCsv } from '../../core/grade/outputs/gradebook';
import { gradescopeResults } from '../../core/grade/outputs/gradescope';
import { junitXml } from '../../core/grade/outputs/junit';
import { escapeXml as xmlEscape } from '../../core/report/xml';
import { GRADE_SCHEMA, GRADE_VERSION, type StudentResult } from '../../core/grade/results';
import { itemSlots } from '../../core/grade/score';
import { classStats } from '../../core/grade/stats';
import { safeName } from '../../core/grade/store';
import { locateTaskFile, scanSubmission } from '../../core/grade/submissions';
import { declarationFor, forwardOutput, overridesFor } from '../../core/grade/declaration';
import { runDeclarationCheck } from '../../core/engine/check';
import { tensor, type Tensor } from '../../core/contract/tensor';
import { permissionArgs } from '../../core/grade/sandbox';
import { gradedAgainstReference } from '../../core/grade/substitute';
import { emptyElements, type RawCheck } from '../../core/engine/raw';
import type { FlatOutput, TaskPayload } from '../../core/grade/plan';

const layerTask = {
  name: 'Affine',
  kind: 'layer' as const,
  file: 'layers.ts',
  exports: { forward: 'affineForward', backward: 'affineBackward' },
  at: { x: 1 },
  points: { dx: 2 },
};

test('assignment() accepts a valid spec and brands it', () => {
  const a = assignment({ title: 'HW', tasks: [layerTask] });
  assert.equal(a.__gradlens, 'gradlens-assignment');
  assert.equal(a.tasks[0].name, 'Affine');
});

test('assignment() names every mistake at once', () => {
  const spec = {
    title: '',
    tasks: [
      { ...layerTask, file: '../other/layers.ts', exports: { forward: 'affine-forward' }, points: { dx: -1 } },
      { ...layerTask, points: { forward: 1 } },
      { ...layerTask, name: 'Affine', kind: 'fn', exports: { f: 'f' } },
    ],
  } as unknown as AssignmentSpec;
  const problems = validateAssignment(spec);
  const expected = [
    /title must be a non-empty string/,
    /task 1 \('Affine'\): file must be a path relative to the submission folder/,
    /task 1 \('Affine'\): exports\.forward must be an export name/,
    /task 1 \('Affine'\): exports\.backward is required/,
    /task 1 \('Affine'\): points\.dx must be a non-negative number/,
    /task 2 \('Affine'\): points\.forward needs a reference/,
    /task 2 \('Affine'\): the name is used twice/,
    /task 3 \('Affine'\): exports needs f and grad \(or valueAndGrad\)/,
  ];
  for (const pattern of expected)
    assert.ok(
      problems.some((p) => pattern.test(p)),
      `${pattern} in\n${problems.join('\n')}`,
    );
  assert.throws(() => assignment(spec), /assignment\(\) is not valid/);
});

test('points: a number is split evenly; a table matches paths, d-prefixed names and forward', () => {
  const tensors = [
    { path: 'x', gradientKey: 'dx' },
    { path: 'W', gradientKey: 'dW' },
    { path: 'b', gradientKey: 'db' },
  ];
  assert.deepEqual(
    itemSlots(3, tensors, false).slots.map((s) => [s.key, s.maxScore]),
    [
      ['dx', 1],
      ['dW', 1],
      ['db', 1],
    ],
  );
  const table = itemSlots({ x: 2, dW: 1, forward: 1, dz: 5 }, tensors, true);
  assert.deepEqual(
    table.slots.map((s) => [s.key, s.maxScore, s.path]),
    [
      ['x', 2, 'x'],
      ['dW', 1, 'W'],
      ['forward', 1, null],
    ],
  );
  assert.deepEqual(table.unknownKeys, ['dz']);
  // A model's dotted paths: 'fc1.dW' names fc1.W.
  assert.deepEqual(
    itemSlots({ 'fc1.dW': 1 }, [{ path: 'fc1.W', gradientKey: null }], false).slots.map((s) => s.path),
    ['fc1.W'],
  );
});

test('forward outputs compare element-wise and name the worst element', () => {
  const reference = flattenOutput({ data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] }, 'out') as FlatOutput;
  assert.equal(
    compareForward(
      flattenOutput(
        [
          [1, 2],
          [3, 4 + 1e-12],
        ],
        'out',
      ),
      reference,
      { rtol: 1e-6, atol: 1e-9 },
    ).match,
    true,
  );
  const off = compareForward(
    flattenOutput(
      [
        [1, 2],
        [3.5, 4],
      ],
      'out',
    ),
    reference,
    { rtol: 1e-6, atol: 1e-9 },
  );
  assert.deepEqual([off.match, off.mismatched, off.worst?.flat, off.worst?.student], [false, 1, 2, 3.5]);
  const nan = compareForward(
    flattenOutput(
      [
        [1, 2],
        [NaN, 4],
      ],
      'out',
    ),
    reference,
    { rtol: 1e-6, atol: 1e-9 },
  );
  assert.equal(nan.match, false);
  assert.match(compareForward(flattenOutput([1, 2, 3], 'out'), reference, { rtol: 0, atol: 0 }).problem ?? '', /layout/);
  assert.match(compareForward({ problem: 'forward threw' }, reference, { rtol: 0, atol: 0 }).problem ?? '', /forward threw/);
});

function referenceRaw(): RawCheck {
  const elements = emptyElements();
  for (let flat = 0; flat < 2; flat++) {
    elements.count++;
    elements.tensor.push(0);
    elements.flat.push(flat);
    elements.level.push(0);
    elements.analytic.push(flat + 1);
    elements.numeric.push(flat + 1);
    elements.errEst.push(1e-12);
    elements.kink.push(0);
    elements.lo.push(NaN);
    elements.hi.push(NaN);
  }
  return {
    name: 't',
    kind: 'fn',
    dtype: 'float64',
    mode: 'full',
    seed: 1,
    tolerance: { rtol: 1e-6, floor: 1e-10, c: 10 },
    eps: 2 ** -52,
    objectives: 1,
    gradientScale: [1.5],
    batchCandidates: [],
    tensors: [{ path: 'x', group: '', gradientKey: 'dx', shape: [2], size: 2, analytic0: [1, 2] }],
    directions: [],
    elements,
    findings: [],
    evaluations: 4,
    evaluateMs: 0,
    checkMs: 0,
    shard: { index: 0, count: 1 },
    checked: true,
  };
}

test("the student's analytic values replace the reference's; malformed claims are refused", () => {
  const planned = [{ path: 'x', gradientKey: 'dx', shape: [2], size: 2 }];
  const graded = gradedAgainstReference(referenceRaw(), planned, [{ path: 'x', gradientKey: 'gx', analytic: [Float64Array.of(1, -2)] }]);
  assert.deepEqual(graded.elements.analytic, [1, -2]);
  assert.deepEqual(graded.elements.numeric, [1, 2]);
  assert.deepEqual(graded.gradientScale, [1.5], "the tolerance's scale stays the reference's");
  // The name is the plan's: a name from the student's process would become a gradebook column of its own.
  assert.equal(graded.tensors[0].gradientKey, 'dx');
  for (const analytic of [[Float64Array.of(1)], [[1, 2]], null, [Float64Array.of(1, 2), Float64Array.of(1, 2)]]) {
    const bad = gradedAgainstReference(referenceRaw(), planned, [{ path: 'x', gradientKey: 'dx', analytic: analytic as Float64Array[] }]);
    assert.equal(bad.elements.count, 0);
    assert.ok(bad.tensors[0].problem);
    assert.equal(bad.findings[0].code, 'missing-gradient');
  }
  assert.equal(gradedAgainstReference(referenceRaw(), planned, []).tensors[0].problem, "no gradient for 'x'");
});

function student(name: string, score: number): StudentResult {
  return {
    schema: GRADE_SCHEMA,
    version: GRADE_VERSION,
    student: name,
    submissionHash: 'h',
    assignmentHash: 'a',
    assignment: 'HW <1>',
    score,
    maxScore: 2,
    gradedAt: '2026-01-01T00:00:00.000Z',
    timeMs: 1200,
    tasks: [
      {
        name: 'T & U',
        file: 'f.ts',
        score,
        maxScore: 2,
        visibility: 'after_published',
        metric: 'm',
        feedback: 'fb',
        timeMs: 1000,
        items: [{ key: 'dx', score, maxScore: 2, status: score ? 'pass' : 'fail', feedback: 'dx "wrong" <b>\u0001', hints: ['sign'] }],
      },
    ],
  };
}

/** The plan's columns of the students above: one task, one gradient. */
const LAYOUT = [{ name: 'T & U', items: ['dx'] }];

test('CSV cells are quoted, and formulas in names are defused', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell(-1.5), '-1.5');
  const csv = gradebookCsv({ assignment: 'HW', maxScore: 2, tasks: LAYOUT, students: [student('=cmd', 2), student('b,c', 0)] });
  assert.equal(csv.split('\r\n')[0], 'student,T & U: dx,T & U (total),total,max,percent,errors');
  assert.match(csv, /\r\n'=cmd,2,2,2,2,100,\r\n/);
  assert.match(csv, /\r\n"b,c",0,0,0,2,0,\r\n/);
});

test('JUnit XML escapes everything a student controls', () => {
  assert.equal(xmlEscape(`<a href="x">&'\u0000`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  const xml = junitXml({ assignment: 'HW <1>', maxScore: 2, tasks: LAYOUT, students: [student('a<b', 0)] });
  assert.match(xml, /<testsuites name="HW &lt;1&gt;" tests="1" failures="1" errors="0"/);
  assert.match(xml, /<testsuite name="a&lt;b"/);
  assert.match(xml, /<failure message="dx &quot;wrong&quot; &lt;b&gt;" type="fail">/);
  // eslint-disable-next-line no-control-regex -- the control character is what must not reach the XML
  assert.doesNotMatch(xml, /\u0001/);
});

test('Gradescope results carry task visibility and sum to the score', () => {
  const r = gradescopeResults(student('s', 2), 'after_due_date');
  assert.equal(r.visibility, 'after_due_date');
  assert.equal(r.score, 2);
  assert.deepEqual(
    r.tests.map((t) => [t.name, t.score, t.max_score, t.status, t.visibility]),
    [['T & U: dx', 2, 2, 'passed', 'after_published']],
  );
  assert.equal(gradescopeResults(student('s', 0)).tests[0].status, 'failed');
});

test('permission flags: one --allow-fs-read per path (Node 20 reads a comma list as one path)', () => {
  assert.deepEqual(permissionArgs(['/a,b', '/c']), [
    '--experimental-permission',
    '--allow-worker',
    '--no-warnings',
    '--allow-fs-read=/a,b',
    '--allow-fs-read=/c',
  ]);
});

test('class statistics: whole-point histogram bins, pass rates, hints counted once per student and task', () => {
  const withHint = (name: string, score: number): StudentResult => {
    const s = student(name, score);
    const hint = { code: 'sign' as const, message: 'dx has the wrong sign', support: 1 };
    s.tasks[0].graded = { tensors: [{ hints: [hint] }, { hints: [hint] }] } as unknown as StudentResult['tasks'][0]['graded'];
    return s;
  };
  const stats = classStats({ assignment: 'HW', maxScore: 2, tasks: LAYOUT, students: [student('a', 0), student('b', 2), withHint('c', 0)] });
  assert.deepEqual(
    stats.histogram.map((b) => [b.from, b.count]),
    [
      [0, 2],
      [1, 0],
      [2, 1],
    ],
  );
  assert.equal(stats.perfect, 1);
  assert.equal(stats.median, 0);
  assert.deepEqual(
    stats.items.map((i) => [i.key, i.passed, i.attempted]),
    [['dx', 1, 3]],
  );
  assert.deepEqual(
    stats.hints.map((h) => [h.code, h.count]),
    [['sign', 1]],
  );
  const tenths = classStats({ assignment: 'HW', maxScore: 2.5, tasks: LAYOUT, students: [student('a', 2.5)] });
  assert.equal(tenths.histogram.length, 10);
  assert.equal(tenths.histogram[9].count, 1);
});

test('student folder names become distinct safe file names', () => {
  assert.equal(safeName('alice'), 'alice');
  assert.match(safeName('a b'), /^a_b-[0-9a-f]{8}$/);
  assert.notEqual(safeName('a b'), safeName('a_b'));
  assert.notEqual(safeName('a b'), safeName('a/b'));
  assert.match(safeName('..'), /^_-[0-9a-f]{8}$/);
});

test('model and fn tasks become declarations with the same inputs on both sides', () => {
  const params = {
    fc: {
      W: tensor([
        [1, -2],
        [3, 0.5],
      ]),
      b: tensor([0.25, -1]),
    },
  };
  const payload: TaskPayload = {
    name: 'ridge',
    kind: 'model',
    exports: { loss: 'loss', grad: 'grad' },
    inputs: params,
    data: { lambda: 0.5 },
    seed: 7,
    selfCheck: true,
  };
  type P = { fc: { W: Tensor; b: Tensor } };
  const sumSq = (t: Tensor) => t.data.reduce((a, v) => a + v * v, 0);
  const functions = {
    loss: (p: P, d: { lambda: number }) => d.lambda * (sumSq(p.fc.W) + sumSq(p.fc.b)),
    grad: (p: P, d: { lambda: number }) => ({
      fc: { W: { data: p.fc.W.data.map((v) => 2 * d.lambda * v), shape: p.fc.W.shape }, db: p.fc.b.data.map((v) => 2 * d.lambda * v) },
    }),
  };
  const raw = runDeclarationCheck(declarationFor(payload, functions), payload.name, overridesFor(payload));
  assert.equal(raw.checked, true);
  assert.deepEqual(
    raw.tensors.map((t) => [t.path, t.gradientKey]),
    [
      ['fc.W', 'fc.W'],
      ['fc.b', 'fc.db'],
    ],
  );
  assert.equal(raw.mode, 'full');
  assert.equal(raw.elements.count, 6);
  const forward = forwardOutput(payload, functions) as FlatOutput;
  assert.deepEqual(Array.from(forward.values), [0.5 * (1 + 4 + 9 + 0.25 + 0.0625 + 1)]);

  const fnPayload: TaskPayload = { name: 'sq', kind: 'fn', exports: { valueAndGrad: 'vg' }, inputs: { x: tensor([1, 2]) }, seed: 3, selfCheck: true };
  const vg = ({ x }: { x: Tensor }): [number, { dx: Float64Array }] => [sumSq(x), { dx: x.data.map((v) => 2 * v) as Float64Array }];
  assert.deepEqual(Array.from((forwardOutput(fnPayload, { valueAndGrad: vg }) as FlatOutput).values), [5]);
  assert.match(
    (
      forwardOutput(fnPayload, {
        valueAndGrad: () => {
          throw new Error('boom');
        },
      }) as { problem: string }
    ).problem,
    /threw Error: boom/,
  );
});

test("a task's file is found at the top, else as the one file of that name; links out of the folder are found", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradlens-locate-'));
  try {
    mkdirSync(path.join(dir, 'hw2', 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'hw2', 'src', 'layers.ts'), '');
    const submission = { student: 's', dir };
    const nested = locateTaskFile(submission, 'layers.ts', await scanSubmission(dir));
    assert.deepEqual(nested, { ok: true, file: path.join(dir, 'hw2', 'src', 'layers.ts'), note: 'found layers.ts at hw2/src/layers.ts' });
    writeFileSync(path.join(dir, 'hw2', 'layers.ts'), '');
    const twice = locateTaskFile(submission, 'layers.ts', await scanSubmission(dir));
    assert.equal(twice.ok, false);
    assert.match(!twice.ok ? twice.message : '', /several files named layers\.ts \(hw2\/layers\.ts, hw2\/src\/layers\.ts\)/);
    writeFileSync(path.join(dir, 'layers.ts'), '');
    assert.deepEqual(locateTaskFile(submission, 'layers.ts', await scanSubmission(dir)), { ok: true, file: path.join(dir, 'layers.ts') });
    assert.deepEqual((await scanSubmission(dir)).outsideLinks, []);
    symlinkSync(os.tmpdir(), path.join(dir, 'hw2', 'tmp'));
    symlinkSync('layers.ts', path.join(dir, 'inside.ts'));
    assert.deepEqual((await scanSubmission(dir)).outsideLinks, ['hw2/tmp']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
