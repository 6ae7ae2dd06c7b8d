// The heatmap at block resolution: which block describes an element, how blocks and compared elements are
// aggregated into tiles, and what tensors with no compared element say about themselves.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockResult, TensorResult } from '../../../core/report/types';
import { barsOf } from '../../../webview/bars';
import { hasCells, specialsOf } from '../../../webview/declaration';
import { describeCell } from '../../../webview/describe';
import { drill, forEachTileOverlap, overview, PRIORITY, SearchBlocks, TensorIndex, tileOf, type Cell, type TileGrid, type View } from '../../../webview/layout';
import {
  directionState,
  jointDirections,
  measure,
  openFailingBlocks,
  ownDirections,
  tensorStats,
  uncheckedWords,
  visibleBlocks,
} from '../../../webview/summary';
import { Rng } from '../../../core/contract/random';
import { BIG, bigReport, blockReport, blockTensor, direction, evenBlocks, halvingChain, RTOL } from './block-fixtures';

const at = (v: View, x: number, y: number): Cell => v.cells.find((c) => c.x === x && c.y === y)!;

/** Seeded uniform numbers from the engine's own generator. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.random();
}

test('each element is described by the narrowest block containing it; gaps and out-of-range ends are handled', () => {
  const t = blockTensor({
    path: 'W',
    shape: [100],
    blocks: [
      { from: 0, to: 50, state: 'fail', margin: 900 },
      { from: 0, to: 25, state: 'pass', margin: 0.1 },
      { from: 25, to: 50, state: 'fail', margin: 700 },
      { from: 60, to: 80, state: 'kink', margin: 3 },
      { from: 95, to: 140, state: 'unchecked', margin: null },
      { from: 30, to: 30, state: 'fail', margin: 1 },
    ],
  });
  const s = new SearchBlocks(t);
  assert.deepEqual(
    [s.from, s.to, s.block],
    [
      [0, 25, 60, 95],
      [25, 50, 80, 100],
      [1, 2, 3, 4],
    ],
  );
  assert.equal(s.covered, 25 + 25 + 20 + 5);
  assert.deepEqual(
    [0, 24, 25, 49, 50, 59, 60, 79, 80, 95, 99, 100, -1].map((f) => s.blockAt(f)),
    [1, 1, 2, 2, -1, -1, 3, 3, -1, 4, 4, -1, -1],
  );
  assert.equal(new SearchBlocks(blockTensor({ path: 'b', shape: [4] })).length, 0);
});

test('forEachTileOverlap counts exactly the elements of a range in each tile', () => {
  const r = rng(11);
  for (let trial = 0; trial < 300; trial++) {
    const width = 1 + Math.floor(r() * 40);
    const height = 1 + Math.floor(r() * 40);
    const th = 1 + Math.floor(r() * 6);
    const tw = 1 + Math.floor(r() * 6);
    const g: TileGrid = { width, th, tw, cols: Math.ceil(width / tw), rows: Math.ceil(height / th), total: width * height };
    const a = Math.floor(r() * g.total);
    const b = a + Math.floor(r() * r() * g.total);
    const want = new Map<number, number>();
    for (let f = a; f < Math.min(b, g.total); f++) want.set(tileOf(g, f), (want.get(tileOf(g, f)) ?? 0) + 1);
    const got = new Map<number, number>();
    forEachTileOverlap(g, a, b, (tile, n) => got.set(tile, (got.get(tile) ?? 0) + n));
    assert.deepEqual(
      [...got].sort((x, y) => x[0] - y[0]),
      [...want].sort((x, y) => x[0] - y[0]),
      JSON.stringify({ g, a, b }),
    );
  }
});

test('element cells show their own state when compared, their block’s when not', () => {
  // 8×10, one block per row: row 2 fails (narrowed to the compared [2, 3] and [2, 4]), row 5 is a kink.
  const t = blockTensor({
    path: 'W',
    shape: [8, 10],
    blocks: evenBlocks(80, 10, { 2: 'fail', 5: 'kink', 7: 'unchecked' }, { 2: 1200 }),
    compared: [
      { flat: 23, state: 'fail' },
      { flat: 24, state: 'pass' },
      { flat: 51, state: 'kink' },
    ],
  });
  const v = overview(t);
  assert.equal(v.kind, 'elements');
  assert.equal(at(v, 3, 2).state, 'fail');
  assert.equal(at(v, 3, 2).block, null);
  assert.equal(at(v, 3, 2).within, 2);
  assert.equal(at(v, 4, 2).state, 'pass', 'a compared element inside a failing block keeps its own colour');
  assert.equal(at(v, 5, 2).state, 'block-fail');
  assert.equal(at(v, 5, 2).block, 2);
  assert.equal(at(v, 1, 5).state, 'kink');
  assert.equal(at(v, 2, 5).state, 'block-kink');
  assert.equal(at(v, 0, 0).state, 'block-pass');
  assert.equal(at(v, 0, 7).state, 'unchecked');
  assert.equal(at(v, 0, 7).block, 7);
  assert.match(
    v.caption,
    /3 of 80 elements were compared one by one; the other cells are hatched with how a direction through their block came out \(8 blocks\)/,
  );

  const d = describeCell(t, at(v, 5, 2), false);
  assert.equal(d.title, 'W[2, 5] — not compared; a direction through its block FAILS');
  assert.deepEqual(d.lines.slice(0, 3), ['block flat 20–29 (10 elements)', '      W[2, 0] to W[2, 9]', 'direction FAILS, margin 1200']);
  const e = describeCell(t, at(v, 4, 2), false);
  assert.match(e.title, /W\[2, 4\] — passes/);
  assert.ok(e.lines.includes('in block flat 20–29 (10 elements): direction FAILS, margin 1200'), e.lines.join('\n'));
  assert.match(describeCell(t, at(v, 0, 7), false).title, /not checked: its block was not reached/);
});

test('a tile is as bad as the worst cell it stands for: a failing element over a failing block over a kink or a pass', () => {
  // 128×128 in tiles of 2×2; blocks of 64 (half a row).
  const t = blockTensor({
    path: 'W',
    shape: [128, 128],
    blocks: evenBlocks(128 * 128, 64, { 0: 'fail', 5: 'fail', 9: 'kink' }),
    compared: [
      { flat: 1, state: 'fail' },
      { flat: 128 * 2 + 64, state: 'kink' }, // row 2, col 64: in block 4 (pass), tile (32, 1)
      { flat: 128 * 4 + 8, state: 'kink' }, // row 4, col 8: in block 8 (pass), tile (4, 2)
    ],
  });
  const v = overview(t);
  assert.equal(v.kind, 'tiles');
  assert.deepEqual([v.cols, v.rows], [64, 64]);
  assert.equal(at(v, 0, 0).state, 'fail', 'the failing element wins over its failing block');
  assert.equal(at(v, 1, 0).state, 'block-fail', 'no element compared here: the block says it fails');
  assert.equal(at(v, 40, 1).state, 'block-fail', 'block 5 is row 2, columns 64–127');
  assert.equal(at(v, 32, 1).state, 'block-fail', 'a failing block beats a kink element');
  assert.equal(at(v, 4, 2).state, 'kink', 'a kink element beats a passing block');
  // Rows 4 and 5 are blocks 8 and 10, both passing: the worst is the one with the larger margin.
  assert.equal(at(v, 4, 2).worstBlock, 10);
  assert.equal(at(v, 40, 2).state, 'block-kink');
  assert.equal(at(v, 10, 10).state, 'block-pass');
  // Rows 0 and 1, columns 2–3: block 0 (row 0, failing) and block 2 (row 1, passing).
  assert.deepEqual(at(v, 1, 0).blocks, { fail: 1, kink: 0, pass: 1, unchecked: 0 });
  const d = describeCell(t, at(v, 40, 1), false);
  assert.match(d.lines.join('\n'), /blocks \(elements not compared\): 1 fail/);
  assert.match(d.lines.join('\n'), /worst block flat 320–383 \(64 elements\)[\s\S]*direction FAILS, margin 3000/);
  assert.match(v.caption, /each showing its worst element or block/);
});

test('a block whose elements in a tile were all compared does not colour that tile', () => {
  // 130×130 in tiles of 3×3. Block [0, 3) fails and all three of its elements were compared and pass.
  const t = blockTensor({
    path: 'W',
    shape: [130, 130],
    blocks: [
      { from: 0, to: 3, state: 'fail', margin: 50 },
      { from: 3, to: 130 * 130, state: 'pass', margin: 0.2 },
    ],
    compared: [0, 1, 2].map((flat) => ({ flat, state: 'pass' as const })),
    layout: 'sampled',
  });
  const v = overview(t);
  assert.equal(at(v, 0, 0).state, 'pass', 'compared passing elements and a passing block: the elements show');
  assert.equal(at(v, 0, 0).blocks.fail, 0);
  // One element fewer compared: the failing block shows.
  t.elements!.state[2] = 'unchecked';
  assert.equal(at(overview(t), 0, 0).state, 'block-fail');
});

test('every tile agrees with the window it opens: its state is the worst of the cells it stands for', () => {
  const r = rng(5);
  const shape = [200, 300];
  const total = 60_000;
  // Blocks 200–205 were not reached (about five rows: whole tiles of 4 rows among them).
  const blocks: BlockResult[] = evenBlocks(total, 245, {
    3: 'fail',
    100: 'fail',
    170: 'kink',
    200: 'unchecked',
    201: 'unchecked',
    202: 'unchecked',
    203: 'unchecked',
    204: 'unchecked',
    205: 'unchecked',
  });
  blocks.push(...halvingChain(100 * 245, 101 * 245, 100 * 245 + 77, 8));
  const compared = Array.from({ length: 400 }, () => Math.floor(r() * total));
  for (let f = 100 * 245 + 72; f < 100 * 245 + 80; f++) compared.push(f);
  const t = blockTensor({
    path: 'W',
    shape,
    blocks,
    compared: [...new Set(compared)].map((flat) => ({ flat, state: flat === 100 * 245 + 77 ? 'fail' : r() < 0.05 ? 'kink' : 'pass' })),
  });
  const ix = new TensorIndex(t);
  const top = overview(t, ix);
  assert.equal(top.kind, 'tiles');
  let checked = 0;
  // Every tile that is not plainly passing, and every twentieth that is (drill rebuilds the overview each time).
  for (const [i, tile] of top.cells.entries()) {
    if (!tile.drill || (tile.state === 'block-pass' && i % 20 !== 0)) continue;
    const z = drill(t, tile.drill, ix)!;
    const hl = z.highlight!;
    const inside = z.cells.filter((c) => c.x >= hl.x0 && c.x < hl.x1 && c.y >= hl.y0 && c.y < hl.y1);
    const worst = inside.reduce((a, c) => (PRIORITY[c.state] > PRIORITY[a.state] ? c : a));
    assert.equal(tile.state, worst.state, `tile ${tile.x},${tile.y}`);
    assert.equal(inside.length, tile.count);
    checked++;
  }
  assert.ok(checked > 150, `${checked} tiles compared`);
  assert.ok(top.cells.some((c) => c.state === 'fail'));
  assert.ok(top.cells.some((c) => c.state === 'block-fail'));
  assert.ok(top.cells.some((c) => c.state === 'block-kink'));
  assert.ok(top.cells.some((c) => c.state === 'unchecked'));
});

test('conv slices and 1-D strips aggregate blocks the same way', () => {
  // 64×32 slices of 3×3, one cell per slice; block [9·(10·32 + 7), +9) is slice (10, 7).
  const slice = 10 * 32 + 7;
  const conv = blockTensor({
    path: 'w',
    shape: [64, 32, 3, 3],
    blocks: [
      { from: 0, to: 9 * slice, state: 'pass', margin: 0.1 },
      { from: 9 * slice, to: 9 * slice + 9, state: 'fail', margin: 77 },
      { from: 9 * slice + 9, to: 64 * 32 * 9, state: 'pass', margin: 0.1 },
    ],
  });
  const v = overview(conv);
  assert.equal(v.kind, 'slice-tiles');
  const bad = v.cells.filter((c) => c.state === 'block-fail');
  assert.deepEqual(
    bad.map((c) => [c.x, c.y]),
    [[7, 10]],
  );
  assert.ok(v.cells.filter((c) => c !== bad[0]).every((c) => c.state === 'block-pass'));
  const z = drill(conv, { x: 7, y: 10 })!;
  assert.equal(z.cells.filter((c) => c.state === 'block-fail').length, 9);

  // A 1,000,000-element strip in 128 tiles of 7,813: block 300 lies in tile 38; block 500 straddles 63 and 64.
  const strip = blockTensor({ path: 'b', shape: [1_000_000], blocks: evenBlocks(1_000_000, 1000, { 300: 'fail', 500: 'fail' }) });
  const s = overview(strip);
  assert.deepEqual([s.kind, s.cols, s.rows], ['tiles', 128, 1]);
  assert.deepEqual(
    s.cells.filter((c) => c.state === 'block-fail').map((c) => c.x),
    [38, 63, 64],
  );
});

test('the 1,000,000-element tensor: the located element, the unnarrowed block and the kink block, quickly', () => {
  const report = bigReport();
  const t = report.tensors[0];
  assert.equal(t.size, 1_000_000);
  const started = performance.now();
  const ix = new TensorIndex(t);
  const v = overview(t, ix);
  const ms = performance.now() - started;
  assert.ok(ms < 1500, `${ms.toFixed(0)} ms`);
  assert.deepEqual([v.kind, v.cols, v.rows], ['tiles', 63, 63]);
  // Tiles are 16×16: the failing element (437, 251) is in tile (15, 27); block 612 (row 612) spans tile row 38.
  const [fx, fy] = [Math.floor((BIG.failing % 1000) / 16), Math.floor(BIG.failing / 1000 / 16)];
  assert.equal(at(v, fx, fy).state, 'fail');
  assert.equal(at(v, fx, fy).failing, 1);
  const openRow = v.cells.filter((c) => c.y === Math.floor(BIG.open / 16));
  assert.ok(
    openRow.every((c) => c.state === 'block-fail'),
    'the unnarrowed failing block covers its whole row of tiles',
  );
  assert.ok(v.cells.filter((c) => c.y === Math.floor(BIG.kink / 16)).every((c) => c.state === 'block-kink'));
  // Rows 960–999 were not reached: tile rows 60–62 are wholly unreached; tile row 59 also has passing rows.
  assert.ok(v.cells.filter((c) => c.y >= 60).every((c) => c.state === 'unchecked'));
  assert.ok(v.cells.filter((c) => c.y === 59).every((c) => c.state === 'block-pass'));
  // The narrowed row shows its failure only where it was narrowed to (the rest of its halves passed): the
  // compared leaf spans columns 240–255 and 256–271, the failing element is in the first.
  const leaf = t.blocks!.filter((b) => b.state === 'fail').at(-1)!;
  assert.deepEqual([leaf.from % 1000, leaf.to % 1000, leaf.to - leaf.from], [250, 266, 16]);
  const narrowedRow = v.cells.filter((c) => c.y === fy && c.state !== 'block-pass').map((c) => `${c.x}:${c.state}`);
  assert.deepEqual(narrowedRow, [`${fx}:fail`, `${fx + 1}:pass`]);
  assert.ok(!v.cells.some((c) => c.y === fy && c.state === 'block-fail'));
  assert.equal(v.cells.filter((c) => c.state === 'block-pass').length, 63 * 63 - 63 * 5 - 2);
  // Opening the failing tile: the element is solid, its uncompared neighbours show the pass block they are in.
  const z = drill(t, { x: fx, y: fy }, ix)!;
  const el = z.cells.find((c) => c.flat === BIG.failing)!;
  assert.equal(el.state, 'fail');
  const d = describeCell(t, el, false);
  assert.match(d.lines.join('\n'), /in block flat 437,2\d\d–437,2\d\d \(\d+ elements\): direction FAILS/);
  // Column 271: past the compared leaf, in its passing sibling half.
  assert.equal(z.cells.find((c) => c.flat === BIG.failing + 20)!.state, 'block-pass');
  assert.match(z.caption, /16 of 1,000,000 elements were compared one by one/);
});

test('directions: their state, which tensor they belong to, and the joint ones gathered once', () => {
  const report = bigReport();
  const [encW, encB, decW] = report.tensors;
  assert.equal(directionState({ ...direction('x', 1, undefined), pass: false }), 'fail');
  assert.equal(directionState({ ...direction('x', 1, undefined), pass: true }), 'pass');
  assert.deepEqual(
    ownDirections(decW).map((d) => d.state),
    ['pass', 'within-rtol'],
  );
  assert.equal(ownDirections(encB).length, 0);
  assert.ok(ownDirections(encW).every((d) => d.scope === 'enc.W'));
  const joint = jointDirections(report);
  assert.deepEqual(
    joint.map((d) => [d.scope, d.margin]),
    [
      ['all', 3.1e4],
      ['all', 2.6e4],
    ],
  );
});

test('what a tensor says about itself: directions only, blocks, what was not checked', () => {
  const report = bigReport();
  const [encW, , decW] = report.tensors;
  assert.deepEqual(tensorStats(decW), ['directions only', '2 directions', 'margin 2.1']);
  // Two failing rows (437, 612) and the failing half at each level of row 437's halving chain.
  const failingBlocks = encW.blocks!.filter((b) => b.state === 'fail').length;
  assert.equal(failingBlocks, 2 + encW.blocks!.slice(1000).length / 2);
  assert.deepEqual(tensorStats(encW), [
    'max rel. error 0.02',
    '1 of 16 fail',
    `${failingBlocks} of ${encW.blocks!.length.toLocaleString('en-US')} blocks fail`,
  ]);
  assert.equal(uncheckedWords(encW.unchecked), 'Not checked: 1 deviating block (1,000 elements) not narrowed down to elements; the evaluation budget ran out.');
  assert.equal(uncheckedWords(undefined), null);
  assert.equal(
    uncheckedWords({ blocks: 3, elements: 6144, reason: 'time-limit' }),
    'Not checked: 3 deviating blocks (6,144 elements) not narrowed down to elements; the time limit was reached.',
  );
  // The engine's "never reached": no block, the elements not compared.
  assert.equal(
    uncheckedWords({ blocks: 0, elements: 500_000, reason: 'time-limit' }),
    'Not checked: 500,000 elements not reached by the search; the time limit was reached.',
  );
  // A tensor with blocks and no element compared says so too.
  const only = blockTensor({ path: 'E', shape: [5000, 20], blocks: evenBlocks(100_000, 317, { 3: 'fail' }) });
  assert.deepEqual(tensorStats(only), ['directions only', 'none through it alone', '1 of 316 blocks fail']);
});

test('bars: a directions-only tensor is measured by its own directions’ margin, never by the joint ones', () => {
  const report = bigReport();
  const [encW, encB, decW] = report.tensors;
  const joint = jointDirections(report);
  const m = measure(decW, RTOL, joint);
  assert.deepEqual([m.basis, m.margin, m.fromDirections], ['directions', 2.1, true]);
  assert.ok(Math.abs(m.value! - 2.1 * RTOL) < 1e-18);
  assert.equal(measure(encB, RTOL, joint).basis, 'elements');
  // enc.W has a located element (0.02) and an unnarrowed failing block (margin 8,400 → 8.4e-3 on the axis).
  // Only row 612 counts: row 437 and its failing halves were narrowed down to the located element.
  assert.deepEqual(
    openFailingBlocks(encW).map((b) => b.from),
    [BIG.open * 1000],
  );
  const w = measure(encW, RTOL, joint);
  assert.deepEqual([w.basis, w.relErr, w.margin, w.fromDirections, w.value], ['elements', 0.02, BIG.openMargin, false, 0.02]);
  const bars = barsOf(report);
  assert.deepEqual(
    bars.map((b) => [b.label, b.sublabel]),
    [
      ['enc', null],
      ['dec', 'W: directions only'],
    ],
  );
  // A tensor with only joint directions has no bar value; the joint directions get a bar of their own.
  const lone = blockTensor({ path: 'z', group: 'z', shape: [10, 10], directions: joint });
  assert.equal(measure(lone, RTOL, joint).basis, 'joint');
  const withLone = barsOf(blockReport([...report.tensors, lone]));
  assert.equal(withLone[0].label, 'all tensors');
  assert.ok(Math.abs(withLone[0].value! - 3.1e4 * RTOL) < 1e-12);
  assert.equal(withLone[0].failing, true);
  const z = withLone.find((b) => b.label === 'z')!;
  assert.deepEqual([z.value, z.sublabel], [null, 'directions only']);
  // Directions only in a whole layer: the bar is that layer's own margin, hatched.
  const dirs = barsOf(blockReport([decW]));
  assert.deepEqual([dirs[0].label, dirs[0].sublabel, dirs[0].fromDirections, dirs[0].margin], ['dec', 'directions only', true, 2.1]);
});

test('an unnarrowed failing block lifts a tensor’s bar above what its compared elements show', () => {
  const t: TensorResult = blockTensor({
    path: 'W',
    shape: [100, 100],
    blocks: evenBlocks(10_000, 100, { 4: 'fail' }, { 4: 9000 }),
    compared: [{ flat: 7, state: 'pass', relErr: 1e-9 }],
    directions: [direction('W', 9000, 'fail', { block: [400, 500] })],
    unchecked: { blocks: 1, elements: 100, reason: 'spread' },
  });
  const m = measure(t, RTOL);
  assert.equal(m.fromDirections, true);
  assert.equal(m.margin, 9000);
  assert.ok(Math.abs(m.value! - 9000 * RTOL) < 1e-15);
});

test('a heatmap is drawn for listed elements or blocks that divide the tensor; the legend lists what it shows', () => {
  const whole = blockTensor({
    path: 'V',
    shape: [300, 300],
    blocks: [{ from: 0, to: 90_000, state: 'pass', margin: 0.02 }],
    directions: [direction('V', 0.02, 'pass', { block: [0, 90_000] })],
  });
  assert.equal(hasCells(whole), false, 'one block over the whole tensor: the directions table says as much');
  const split = blockTensor({ path: 'V', shape: [300, 300], blocks: evenBlocks(90_000, 300, { 7: 'fail' }) });
  assert.equal(hasCells(split), true);
  assert.deepEqual(specialsOf(blockReport([split])), ['block-fail', 'block-pass']);
  // Blocks that leave part of the tensor uncovered, nothing listed there: 'not listed' appears too.
  const gap = blockTensor({ path: 'V', shape: [300, 300], blocks: evenBlocks(45_000, 300) });
  assert.deepEqual(specialsOf(blockReport([gap])), ['block-pass', 'unlisted']);
  assert.deepEqual(specialsOf(bigReport()), ['block-fail', 'block-kink', 'block-pass', 'unchecked']);
  // A failing block whose every element was compared shows no hatch: the legend leaves it out.
  const narrowed = blockTensor({
    path: 'V',
    shape: [30, 30],
    blocks: [
      { from: 0, to: 4, state: 'fail', margin: 90 },
      { from: 4, to: 900, state: 'pass', margin: 0.1 },
    ],
    compared: [0, 1, 2, 3].map((flat) => ({ flat, state: flat === 2 ? 'fail' : 'pass' })),
  });
  assert.deepEqual(specialsOf(blockReport([narrowed])), ['block-pass']);
  assert.deepEqual(
    visibleBlocks(narrowed).map((b) => b.from),
    [4],
  );
  assert.deepEqual(tensorStats(whole), ['directions only', '1 direction', 'margin 0.02']);
});
