// Bug-pattern hints: each fires on its pattern, and none fires where the numbers do not support it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHints, type HintInput } from '../../core/report/hints';
import { Rng } from '../../core/contract/random';

const rng = new Rng(7);
const randn = (n: number) => Array.from({ length: n }, () => rng.randn());

/** A tensor of the given shape whose analytic values are `wrong(numeric, flat)`, failing where they differ. */
function input(shape: number[], wrong: (n: number, flat: number, numeric: number[]) => number, extra: Partial<HintInput> = {}): HintInput {
  const size = shape.reduce((a, b) => a * b, 1);
  const numeric = randn(size);
  const analytic = numeric.map((n, i) => wrong(n, i, numeric));
  const failed = analytic.map((a, i) => Math.abs(a - numeric[i]) > 1e-7 * Math.max(Math.abs(a), Math.abs(numeric[i])));
  return { name: 'dW', shape, flat: numeric.map((_, i) => i), analytic, numeric, failed, analyticAll: analytic, batchCandidates: [], ...extra };
}

const codesOf = (i: HintInput) => computeHints(i).map((h) => h.code);

test('scaled: a factor of 2, ½, and the batch size N', () => {
  const two = computeHints(input([4, 5], (n) => 2 * n));
  assert.equal(two[0].code, 'scaled');
  assert.equal(two[0].factor, 2);
  assert.match(two[0].message, /factor of 2/);
  assert.equal(computeHints(input([6], (n) => n / 2))[0].factor, 0.5);
  const batch = computeHints(input([8, 3], (n) => 16 * n, { batchCandidates: [8, 16] }));
  assert.match(batch[0].message, /1\/N .* missing \(N = 16\)/);
  const over = computeHints(input([8, 3], (n) => n / 8, { batchCandidates: [8] }));
  assert.match(over[0].message, /divided by N = 8 once too often/);
});

test('sign', () => {
  assert.deepEqual(codesOf(input([3, 3], (n) => -n)), ['sign']);
});

test('transposed (square tensors), and not for a symmetric one', () => {
  const t = input([5, 5], (_n, flat, numeric) => numeric[(flat % 5) * 5 + Math.floor(flat / 5)]);
  assert.deepEqual(codesOf(t), ['transposed']);
});

test('a missing regularization term λ·W, and an extra one', () => {
  const W = randn(12);
  const missing = computeHints(input([3, 4], (n, f) => n - 0.1 * W[f], { values: W }));
  assert.equal(missing[0].code, 'regularization');
  assert.match(missing[0].message, /0\.1·W .* missing/);
  const extra = computeHints(input([3, 4], (n, f) => n + 0.05 * W[f], { values: W }));
  assert.equal(extra[0].code, 'regularization');
  assert.match(extra[0].message, /added that the loss does not have/);
});

test('border: only the spatial edges of an image-shaped gradient are wrong', () => {
  const H = 6;
  const W = 6;
  const hints = computeHints(
    input([2, H, W], (n, f) => {
      const w = f % W;
      const h = Math.floor(f / W) % H;
      return h === 0 || w === W - 1 ? 0 : n;
    }),
  );
  assert.equal(hints[0].code, 'border');
});

test('rows and columns', () => {
  assert.equal(computeHints(input([6, 5], (n, f) => (Math.floor(f / 5) === 2 ? n + 1 : n)))[0].code, 'rows');
  assert.equal(computeHints(input([6, 5], (n, f) => (f % 5 === 4 ? n * 3 + 1 : n)))[0].code, 'columns');
});

test('zero: never written', () => {
  const all = computeHints(input([4, 4], () => 0));
  assert.equal(all[0].code, 'zero');
  assert.match(all[0].message, /all zeros/);
});

test('a few scattered elements, and a small relative error everywhere', () => {
  const few = computeHints(input([20, 20], (n, f) => (f === 37 || f === 301 ? n + 5 : n)));
  assert.equal(few[0].code, 'few-elements');
  assert.match(few[0].message, /\[1, 17\]/);
  const small = computeHints(input([10], (n, f) => n * (1 + 1e-4 * (1 + (f % 3)))));
  assert.equal(small[0].code, 'small-relative');
});

test('NaN in the gradient', () => {
  const h = computeHints(input([3], (n, f) => (f === 1 ? NaN : n)));
  assert.equal(h[0].code, 'nonfinite');
});

test('no hint without a failure, and none for errors with no pattern', () => {
  assert.deepEqual(codesOf(input([4, 4], (n) => n)), []);
  const noisy = new Rng(3);
  const hints = codesOf(input([30, 30], (n) => n + noisy.randn()));
  assert.ok(!hints.some((c) => ['scaled', 'sign', 'transposed', 'regularization', 'border', 'zero'].includes(c)), hints.join());
});
