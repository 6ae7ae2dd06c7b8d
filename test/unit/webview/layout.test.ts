import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DeclarationReport, ElementState, TensorResult } from '../../../core/report/types';
import { drill, geometry, MAX_SIDE, overview, tickStep } from '../../../webview/layout';

const fixtures = join(__dirname, '../../fixtures/reports');
const load = (name: string): DeclarationReport => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'));
const tensorOf = (report: DeclarationReport, path: string) => report.tensors.find((t) => t.path === path)!;

/** A tensor whose element at flat f has relErr f·1e-9 and the state `states(f)`. */
function synthetic(
  shape: number[],
  states: (f: number) => ElementState = () => 'pass',
  layout: 'all' | 'sampled' = 'all',
  keep: (f: number) => boolean = () => true,
): TensorResult {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = [...Array(size).keys()].filter(keep);
  return {
    path: 't',
    group: '',
    gradientKey: 't',
    shape,
    size,
    status: 'pass',
    method: 'elements',
    checked: size,
    failing: 0,
    kinks: 0,
    nonFinite: 0,
    maxRelErr: null,
    maxAbsErr: null,
    margin: null,
    worst: null,
    kinkIndices: [],
    hints: [],
    directions: [],
    evaluations: 0,
    elements: {
      layout,
      flat,
      analytic: flat.map(() => 1),
      numeric: flat.map(() => 1),
      absErr: flat.map((f) => f * 1e-9),
      relErr: flat.map((f) => f * 1e-9),
      errEst: flat.map(() => 1e-12),
      state: flat.map(states),
    },
  };
}

test('a small matrix is drawn element by element, row-major, row 0 on top', () => {
  const v = overview(synthetic([3, 4]));
  assert.equal(v.kind, 'elements');
  assert.equal(v.cols, 4);
  assert.equal(v.rows, 3);
  assert.equal(v.cells.length, 12);
  const c = v.cells.find((c) => c.x === 3 && c.y === 2)!;
  assert.equal(c.flat, 11);
  assert.equal(c.relErr, 11 * 1e-9);
  assert.equal(v.zoomed, false);
});

test('1-D tensors and scalars are one-row strips', () => {
  const strip = overview(synthetic([7]));
  assert.deepEqual([strip.rows, strip.cols, strip.yTicks.length], [1, 7, 0]);
  const scalar = overview(synthetic([]));
  assert.deepEqual([scalar.rows, scalar.cols, scalar.cells[0].flat], [1, 1, 0]);
  const long = overview(synthetic([300]));
  assert.equal(long.kind, 'tiles');
  assert.equal(long.cols, 100);
  assert.equal(long.cells[0].count, 3);
});

test('the 200×300 tensor is tiled 50×60 by its worst element, and a tile opens a window around it', () => {
  const report = load('large-tensor');
  const t = tensorOf(report, 'proj.W');
  const v = overview(t);
  assert.equal(v.kind, 'tiles');
  assert.deepEqual([v.rows, v.cols], [50, 60]);
  assert.ok(v.rows <= MAX_SIDE && v.cols <= MAX_SIDE);
  assert.equal(v.cells.length, 3000);
  assert.ok(v.cells.every((c) => c.count === 20));
  // Rows 120–139, columns 40–59 fail: tiles y 30–34, x 8–11.
  const failing = v.cells.filter((c) => c.state === 'fail');
  assert.ok(failing.some((c) => c.x === 8 && c.y === 30));
  assert.ok(!failing.some((c) => c.x === 20 && c.y === 10));
  assert.equal(v.cells.find((c) => c.x === 8 && c.y === 30)!.failing, 20);
  const tile = v.cells.find((c) => c.x === 8 && c.y === 30)!;
  assert.deepEqual(tile.drill, { x: 8, y: 30 });
  const z = drill(t, tile.drill!)!;
  assert.equal(z.kind, 'elements');
  assert.equal(z.zoomed, true);
  assert.deepEqual([z.rows, z.cols], [64, 64]);
  // The tile's rows 120–123 and columns 40–44 are inside the window and outlined.
  const hl = z.highlight!;
  assert.equal(hl.x1 - hl.x0, 5);
  assert.equal(hl.y1 - hl.y0, 4);
  const first = z.cells.find((c) => c.x === hl.x0 && c.y === hl.y0)!;
  assert.equal(first.flat, 120 * 300 + 40);
  assert.equal(first.state, 'fail');
  // Element cells never drill further.
  assert.equal(drill(t, { x: 100, y: 100 }), null);
});

test('a tile shows its worst element: NaN over failure over kink over pass', () => {
  const t = synthetic([128, 128], (f) => (f === 1 ? 'kink' : f === 128 ? 'fail' : f === 129 ? 'nonfinite' : 'pass'));
  const v = overview(t);
  const c = v.cells.find((c) => c.x === 0 && c.y === 0)!;
  assert.equal(c.state, 'nonfinite');
  assert.equal(c.failing, 1);
  assert.equal(c.kinks, 1);
  assert.equal(c.nonFinite, 1);
  assert.equal(c.count, 4);
  assert.equal(t.elements!.flat[c.element!], 129);
});

test('conv filters are labelled 3×3 slices with one-cell gaps', () => {
  const report = load('conv-border');
  const w = tensorOf(report, 'w');
  const g = geometry(w.shape);
  assert.equal(g.kind, 'slices');
  const v = overview(w);
  assert.equal(v.kind, 'slices');
  assert.deepEqual([v.rows, v.cols], [8 * 4 - 1, 3 * 4 - 1]);
  assert.equal(v.cells.length, 216);
  // Slice [2, 1] starts at column 4, row 8; its element (0, 0) is flat (2·3 + 1)·9.
  assert.equal(v.cells.find((c) => c.x === 4 && c.y === 8)!.flat, 63);
  // No cell on the gap lines.
  assert.ok(!v.cells.some((c) => c.x === 3 || c.y === 3));
  assert.deepEqual(
    v.yTicks.map((t) => t.label),
    ['0', '1', '2', '3', '4', '5', '6', '7'],
  );
  assert.deepEqual(
    v.xTicks.map((t) => t.at),
    [1, 5, 9],
  );
});

test('many conv filters become one cell per slice, and a cell opens the slices around it', () => {
  const t = synthetic([64, 32, 3, 3], (f) => (f === 9 * (10 * 32 + 7) + 4 ? 'fail' : 'pass'));
  const v = overview(t);
  assert.equal(v.kind, 'slice-tiles');
  assert.deepEqual([v.rows, v.cols], [64, 32]);
  const bad = v.cells.find((c) => c.state === 'fail')!;
  assert.deepEqual([bad.x, bad.y, bad.count], [7, 10, 9]);
  const z = drill(t, { x: 7, y: 10 })!;
  assert.equal(z.kind, 'slices');
  assert.ok(z.rows <= MAX_SIDE && z.cols <= MAX_SIDE);
  assert.ok(z.cells.some((c) => c.state === 'fail'));
  const hl = z.highlight!;
  assert.deepEqual([hl.x1 - hl.x0, hl.y1 - hl.y0], [3, 3]);
});

test('a rank-3 tensor with small slices shows them in a row, wrapped when there are many', () => {
  const few = overview(synthetic([2, 3, 3]));
  assert.equal(few.kind, 'slices');
  assert.deepEqual([few.rows, few.cols, few.yTicks.length], [3, 7, 0]);
  const many = overview(synthetic([20, 2, 2]));
  assert.deepEqual([many.rows, many.cols], [3 * 3 - 1, 8 * 3 - 1]);
  assert.deepEqual(
    many.yTicks.map((t) => t.label),
    ['0+', '8+', '16+'],
  );
  assert.equal(many.cells.length, 80);
});

test('higher-rank tensors with large trailing dimensions are flattened to rows', () => {
  const v = overview(synthetic([2, 20, 30]));
  assert.equal(v.kind, 'elements');
  assert.deepEqual([v.rows, v.cols], [40, 30]);
  assert.match(v.yTitle, /flattened/);
});

test('elements a sampled report does not list are marked unlisted', () => {
  const t = synthetic(
    [4, 4],
    () => 'pass',
    'sampled',
    (f) => f % 2 === 0,
  );
  const v = overview(t);
  assert.equal(v.cells.find((c) => c.flat === 1)!.state, 'unlisted');
  assert.equal(v.cells.find((c) => c.flat === 2)!.state, 'pass');
  assert.match(v.caption, /8 of 16/);
});

test('tick steps are 1-2-5', () => {
  assert.deepEqual(
    [5, 20, 60, 64, 300].map((n) => tickStep(n)),
    [1, 2, 10, 10, 50],
  );
});

test('a huge sampled tensor is tiled from its listed elements alone', () => {
  const shape = [3000, 2000];
  const listed = [0, 1_999_999, 2_500_000 + 1234, 5_999_999];
  const t = synthetic([1], () => 'pass');
  t.shape = shape;
  t.size = 6_000_000;
  t.elements = {
    layout: 'sampled',
    flat: listed,
    analytic: listed.map(() => 1),
    numeric: listed.map(() => 1),
    absErr: listed.map(() => 1e-9),
    relErr: listed.map(() => 1e-9),
    errEst: listed.map(() => 1e-12),
    state: listed.map((f) => (f === 2_501_234 ? 'fail' : 'pass')),
  };
  const started = Date.now();
  const v = overview(t);
  assert.equal(v.kind, 'tiles');
  // Tiles of ⌈3000/64⌉ × ⌈2000/64⌉ = 47 × 32 elements.
  assert.deepEqual([v.rows, v.cols], [64, 63]);
  const bad = v.cells.filter((c) => c.state === 'fail');
  // Flat 2,501,234 is row 1250, column 1234: tile (1234 / 32, 1250 / 47).
  assert.deepEqual(
    bad.map((c) => [c.x, c.y, c.count, c.listed]),
    [[38, 26, 47 * 32, 1]],
  );
  assert.equal(v.cells.filter((c) => c.state === 'unlisted').length, 64 * 63 - 4);
  const z = drill(t, { x: 38, y: 26 })!;
  assert.equal(z.cells.find((c) => c.flat === 2_501_234)!.state, 'fail');
  assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
});
