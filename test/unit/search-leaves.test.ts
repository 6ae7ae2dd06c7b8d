// The search's leaves and what a failing block leaves unexplained: the rule that turns the directions of the
// halving search into a tensor's verdict (core/engine/judge-directions.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchLeaves, type JudgedDirection } from '../../core/engine/judge-directions';
import type { DirectionState } from '../../core/numerics/verdict';
import type { ElementState } from '../../core/report/types';

const block = (from: number, to: number, state: DirectionState): JudgedDirection => ({
  state,
  tensor: 0,
  block: [from, to],
  result: {
    scope: 'w',
    analytic: 1,
    numeric: 1,
    errEst: 0,
    tolerance: 1,
    margin: state === 'fail' ? 5 : 0.5,
    pass: state === 'pass',
    state,
    elements: to - from,
  },
});

test('a failing block explained by a failing half: only the half is unresolved', () => {
  const r = searchLeaves([block(0, 64, 'fail'), block(0, 32, 'fail'), block(32, 64, 'pass')], new Map());
  assert.deepEqual(
    r.leaves.map((l) => [l.from, l.to, l.state]),
    [
      [0, 32, 'fail'],
      [32, 64, 'pass'],
    ],
  );
  assert.deepEqual(r.unresolved, { fail: 1, other: 0, elements: 32 });
  assert.equal(r.unexplained, 0);
});

test('a failing block whose halves only come back inconclusive stays a failure', () => {
  const r = searchLeaves([block(0, 64, 'fail'), block(0, 32, 'inconclusive'), block(32, 64, 'inconclusive')], new Map());
  assert.equal(r.unexplained, 1);
  // The two inconclusive halves, and the failing block with its 64 elements not compared.
  assert.deepEqual(r.unresolved, { fail: 1, other: 2, elements: 128 });
});

test('elements compared inside an unexplained block: passing ones leave it a spread failure, a kink explains it', () => {
  const blocks = [block(0, 16, 'fail'), block(0, 8, 'within-rtol'), block(8, 16, 'pass')];
  const passing = new Map<number, ElementState>(Array.from({ length: 16 }, (_, i) => [i, 'pass']));
  const all = searchLeaves(blocks, passing);
  assert.equal(all.unexplained, 1);
  assert.equal(all.unresolved.fail, 0, 'every element was compared: nothing is left unresolved');
  const kinked = new Map(passing).set(3, 'kink');
  assert.equal(searchLeaves(blocks, kinked).unexplained, 0);
});

test('a kink inside a failing block explains it (a direction across a ReLU unit at 0)', () => {
  const r = searchLeaves([block(0, 64, 'fail'), block(0, 32, 'kink'), block(32, 64, 'pass')], new Map());
  assert.equal(r.unexplained, 0);
  assert.deepEqual(r.unresolved, { fail: 0, other: 1, elements: 32 });
});
