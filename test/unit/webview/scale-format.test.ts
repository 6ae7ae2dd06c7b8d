import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError, formatIndex, formatLocation, formatMs, formatValue, unflatten } from '../../../webview/format';
import { failRange, parseColor, rampColor, scalePosition, type Ramps } from '../../../webview/scale';
import { tensor } from '../extension/report-fixtures';

const ramps: Ramps = { passLow: [255, 255, 255], passHigh: [0, 0, 255], failLow: [255, 200, 0], failHigh: [100, 0, 0] };

test('the scale is log10 of the relative error from 1e-16 to 2 (the largest there is), clamped below', () => {
  const span = 16 + Math.log10(2);
  assert.equal(scalePosition(1e-16), 0);
  assert.equal(scalePosition(0), 0);
  assert.equal(scalePosition(1e-30), 0);
  assert.equal(scalePosition(2), 1);
  assert.equal(scalePosition(null), 1);
  assert.ok(Math.abs(scalePosition(1) - 16 / span) < 1e-12);
  assert.ok(Math.abs(scalePosition(1e-8) - 8 / span) < 1e-12);
  // Failing errors above 1 (a flipped sign, a transposed gradient) keep their order: 1.9 is not 1.
  assert.ok(scalePosition(1.9) > scalePosition(1.2) && scalePosition(1.2) > scalePosition(1));
});

test('passing cells stay on the pass ramp and failing ones on the fail ramp, whatever their error', () => {
  const tol = scalePosition(1e-6);
  assert.deepEqual(rampColor(0, false, tol, ramps), [255, 255, 255]);
  assert.deepEqual(rampColor(tol, false, tol, ramps), [0, 0, 255]);
  // A passing element above rtol (held to the absolute floor) is clamped to the top of the pass ramp.
  assert.deepEqual(rampColor(0.9, false, tol, ramps), [0, 0, 255]);
  assert.deepEqual(rampColor(tol, true, tol, ramps), [255, 200, 0]);
  assert.deepEqual(rampColor(1, true, tol, ramps), [100, 0, 0]);
  assert.deepEqual(rampColor(0.1, true, tol, ramps), [255, 200, 0]);
  const mid = rampColor(scalePosition(1e-11), false, tol, ramps);
  assert.ok(mid[0] > 0 && mid[0] < 255);
});

test('the fail ramp spans the failing elements, least to most over the tolerance, so they keep their order', () => {
  const rtol = 1e-7;
  const tol = scalePosition(rtol);
  const decade = 1 / (16 + Math.log10(2));
  const failingTensor = (relErr: number[]) =>
    tensor({
      status: 'fail',
      elements: {
        layout: 'all',
        flat: relErr.map((_, i) => i),
        analytic: relErr.map(() => 1),
        numeric: relErr.map(() => 1),
        absErr: relErr,
        relErr,
        errEst: relErr.map(() => 0),
        state: relErr.map((r) => (r > rtol ? 'fail' : 'pass')),
      },
    });
  const declaration = (relErr: number[]) => ({ tolerance: { rtol, floor: 1e-10, c: 10 }, tensors: [failingTensor(relErr)] });
  const range = failRange(declaration([1e-9, 1e-3, 0.05, 0.5]))!;
  assert.ok(Math.abs(range.hi - scalePosition(0.5)) < 1e-12, 'the most wrong element is the darkest');
  assert.ok(Math.abs(range.lo - scalePosition(1e-3)) < 1e-12, 'the least wrong failing element is the lightest');
  const colour = (r: number) => rampColor(scalePosition(r), true, tol, ramps, range);
  assert.deepEqual(colour(0.5), [100, 0, 0]);
  assert.deepEqual(colour(1e-3), [255, 200, 0]);
  // Ordered: the further over the tolerance, the further along the ramp (darker red, less green).
  assert.ok(colour(1e-3)[1] > colour(0.05)[1] && colour(0.05)[1] > colour(0.5)[1]);
  // Errors of one size (a factor 2 everywhere) still span a decade, reaching down to the tolerance first.
  const flat = failRange(declaration([0.5, 0.5]))!;
  assert.ok(Math.abs(flat.hi - scalePosition(0.5)) < 1e-12 && Math.abs(flat.lo - (flat.hi - decade)) < 1e-12);
  // Failing just over the tolerance is not drawn darkest.
  const near = failRange(declaration([2e-7]))!;
  assert.ok(Math.abs(near.lo - tol) < 1e-12 && Math.abs(near.hi - (tol + decade)) < 1e-12);
  assert.equal(failRange({ tolerance: { rtol, floor: 1e-10, c: 10 }, tensors: [tensor()] }), null, 'nothing fails');
});

test('colours parse from hex and rgb()', () => {
  assert.deepEqual(parseColor('#abc'), [170, 187, 204]);
  assert.deepEqual(parseColor(' #0a141e '), [10, 20, 30]);
  assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
  assert.equal(parseColor('var(--x)'), null);
});

test('numbers are formatted for comparison', () => {
  assert.equal(formatValue(null), 'NaN/Inf');
  assert.equal(formatValue(0.123456789012), '0.123456789');
  assert.equal(formatValue(1.5e-7), '1.5e-7');
  assert.equal(formatError(2.345e-9), '2.35e-9');
  assert.equal(formatError(0.5), '0.5');
  assert.equal(formatError(null), '—');
  assert.equal(formatMs(0.42), '0.42 ms');
  assert.equal(formatMs(1830), '1.83 s');
  assert.equal(formatMs(125_000), '2 min 5 s');
  assert.deepEqual(unflatten(67, [8, 16]), [4, 3]);
  assert.deepEqual(unflatten(63, [8, 3, 3, 3]), [2, 1, 0, 0]);
  assert.equal(formatIndex('fc1.W', [4, 3]), 'fc1.W[4, 3]');
  assert.equal(formatLocation('/a/b/mlp.ts', 30), 'mlp.ts:31');
});
