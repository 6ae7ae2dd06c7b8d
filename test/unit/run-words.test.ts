// The words of a run in the terminal: files that could not be checked are files (not a "(file) fn" declaration),
// counts are pluralized ("1 error"), declarations keep their source order, and a worker failure while loading
// says "while loading the file" (not "while running loading the file").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inSourceOrder, outcomeFinding, phaseWhile } from '../../core/engine/engine';
import { formatRun, palette } from '../../core/cli/terminal-report';
import { buildRunReport, isFileReport } from '../../core/report/run';
import { studentRunReport } from '../../core/grade/outputs/student-report';
import { defaultTitle } from '../../core/report/html';
import { failing, range, report } from './extension/report-fixtures';

const plain = palette(false);

test('a file that could not be checked is one line at its location, counted as a file', () => {
  const run = buildRunReport(
    [
      {
        file: `${process.cwd()}/broken.ts`,
        declarations: [],
        findings: [{ severity: 'error', code: 'compile-error', message: 'Unexpected ","', location: range(`${process.cwd()}/broken.ts`, 1, 70) }],
      },
      {
        file: `${process.cwd()}/ok.ts`,
        declarations: [
          report({
            file: `${process.cwd()}/ok.ts`,
            status: 'error',
            summary: 'backward threw',
            findings: [{ severity: 'error', code: 'threw', message: 'backward threw' }],
          }),
        ],
        findings: [],
      },
    ],
    new Date(0),
    1500,
  );
  const text = formatRun(run, plain);
  assert.match(text, /^! broken\.ts:2:71 {2}does not compile: Unexpected ","$/m);
  assert.ok(!text.includes('(file)'), text);
  assert.match(text, /1 declaration in 2 files: 1 error; 1 file could not be checked \(1\.5 s\)$/);
  // In the JSON report it is a report of kind 'file', not a declaration.
  assert.deepEqual(
    run.declarations.map((d) => [d.kind, isFileReport(d)]),
    [
      ['file', true],
      ['layer', false],
    ],
  );
  // The HTML report's title counts the same way.
  assert.equal(defaultTitle(run), 'Gradlens report: 1 declaration, 1 failing; 1 file could not be checked');
  assert.equal(defaultTitle(buildRunReport([], new Date(0), 0)), 'Gradlens report: 0 declarations, nothing checked');
});

test('counts are pluralized', () => {
  const two = buildRunReport(
    [
      {
        file: '/ws/a.ts',
        declarations: [report({ status: 'error' }), report({ name: 'b', status: 'error' }), report({ name: 'c', status: 'fail', tensors: [failing()] })],
        findings: [],
      },
    ],
    new Date(0),
    100,
  );
  assert.match(formatRun(two, plain), /3 declarations in 1 file: 1 failed, 2 errors/);
});

test('declarations are listed in source order, whatever order the bundle exports them in', () => {
  const at = (line: number) => ({ range: range('/ws/m.ts', line, 0) });
  const discovered = new Map([
    ['zeta', at(3)],
    ['alpha', at(40)],
    ['mid', at(12)],
  ]);
  const listed = [{ name: 'alpha' }, { name: 'mid' }, { name: 'unknown' }, { name: 'zeta' }];
  assert.deepEqual(
    inSourceOrder(listed, discovered).map((d) => d.name),
    ['zeta', 'mid', 'alpha', 'unknown'],
  );
});

test('a failure while loading the file says so in plain words', () => {
  assert.equal(phaseWhile('load'), 'loading the file');
  assert.equal(phaseWhile('setup'), 'building the inputs');
  assert.equal(phaseWhile('backward'), 'running backward');
  const memory = outcomeFinding({ ok: false, kind: 'memory', message: 'out of memory', phase: 'load', durationMs: 10 } as never, {
    timeLimitMs: 60_000,
    memoryLimitMb: 2048,
  });
  assert.equal(memory.message, 'stopped: used more than 2048 MiB of memory while loading the file (a runaway allocation?)');
  const timeout = outcomeFinding({ ok: false, kind: 'timeout', message: '', phase: 'forward', durationMs: 10 } as never, {
    timeLimitMs: 60_000,
    memoryLimitMb: 2048,
  });
  assert.match(timeout.message, /^stopped after 60 s while running forward before any evaluation came back/);
});

test("a grader's task that could not be graded keeps its name and kind: it is not a file report", () => {
  const run = studentRunReport(
    {
      schema: 'gradlens.grade',
      version: 1,
      student: 'ana',
      assignment: 'hw',
      score: 0,
      maxScore: 1,
      gradedAt: 0,
      timeMs: 10,
      tasks: [
        {
          name: 'affine',
          file: 'layers.ts',
          score: 0,
          maxScore: 1,
          visibility: 'visible',
          items: [],
          metric: 'x',
          feedback: '',
          error: { code: 'timeout', message: 'timed out' },
        },
      ],
    } as never,
    () => ({ file: '/sub/ana/layers.ts', kind: 'layer' }),
  );
  const [task] = run.declarations;
  assert.deepEqual([task.name, task.kind, task.status, task.summary, isFileReport(task)], ['affine', 'layer', 'error', 'timed out', false]);
});
