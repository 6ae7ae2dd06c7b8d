// A raw check from a process that runs untrusted code is refused unless its counts, columns and indices agree
// (core/engine/raw.ts wellFormedRawCheck): the trusted parent's loops run over what it claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { runDeclarationCheck } from '../../core/engine/check';
import { wellFormedRawCheck, type RawCheck } from '../../core/engine/raw';

const real = (): RawCheck =>
  runDeclarationCheck(
    fn({
      at: { x: [0.5, -1.25, 2] },
      f: ({ x }: { x: number[] }) => x.reduce((s, v) => s + v * v, 0),
      grad: ({ x }: { x: number[] }) => ({ x: x.map((v) => 2 * v) }),
    }) as Declaration,
    'square',
    { mode: 'full' },
  );

test('a real raw check is well formed', () => {
  const raw = real();
  assert.ok(raw.elements.count > 0);
  assert.ok(wellFormedRawCheck(JSON.parse(JSON.stringify(raw))));
  assert.ok(wellFormedRawCheck({ ...raw, directions: [{ ...direction, tensor: 0, block: [0, 3] }] }));
});

const direction = { scope: 'x', elements: 3, step: 1e-3, analytic: [1], numeric: [1], errEst: [0], l2: [1], u2: [1], target: [1], kink: [0], evaluations: 4 };

test('forged counts, columns, indices and objectives are refused', () => {
  const forged: [string, (r: RawCheck) => void][] = [
    ['a count of a billion with short columns', (r) => (r.elements.count = 1e9)],
    ['a column shorter than the count', (r) => r.elements.numeric.pop()],
    ['an element past its tensor', (r) => (r.elements.flat[0] = 3)],
    ['an element of a tensor that does not exist', (r) => (r.elements.tensor[0] = 7)],
    ['objectives out of range', (r) => (r.objectives = 1e6)],
    ['a tensor with a fractional size', (r) => (r.tensors[0].size = 2.5)],
    ['a direction with columns of the wrong length', (r) => r.directions.push({ ...direction, analytic: [] })],
    ['a direction in a tensor that does not exist', (r) => r.directions.push({ ...direction, tensor: 4 })],
    ['not an object', () => undefined],
  ];
  for (const [what, forge] of forged) {
    const raw = JSON.parse(JSON.stringify(real())) as RawCheck;
    if (what === 'not an object') assert.equal(wellFormedRawCheck(null), false);
    else {
      forge(raw);
      assert.equal(wellFormedRawCheck(raw), false, what);
    }
  }
});
