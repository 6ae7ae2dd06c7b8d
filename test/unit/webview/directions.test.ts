// A direction's row never contradicts the badge above it: under a tensor that passes on its compared elements, a
// direction that deviated (and sent the search down to those elements) reads "elements pass", not "fail".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DirectionResult } from '../../../core/report/types';
import { rowState, stateCounts } from '../../../webview/directions';

const direction = (state: DirectionResult['state']): DirectionResult => ({
  scope: 'W',
  analytic: 1,
  numeric: 1.1,
  errEst: 1e-9,
  tolerance: 1e-6,
  margin: state === 'pass' ? 0.1 : 40,
  pass: state === 'pass',
  state,
});

test('a failing direction under a passing tensor was resolved by its elements', () => {
  assert.equal(rowState(direction('fail'), 'pass', true), 'resolved');
  assert.equal(rowState(direction('fail'), 'warn', true), 'resolved');
  // Nothing compared one by one: the direction is the verdict, and it fails.
  assert.equal(rowState(direction('fail'), 'pass', false), 'fail');
  assert.equal(rowState(direction('fail'), 'fail', true), 'fail');
  assert.equal(rowState(direction('kink'), 'pass', true), 'kink');
  assert.equal(rowState(direction('pass'), 'fail', true), 'pass');
});

test('the folded summary counts them in the same words', () => {
  const ds = [direction('fail'), direction('pass'), direction('pass')];
  assert.equal(stateCounts(ds, { status: 'pass', compared: true }), '1 deviated (their elements pass), 2 pass');
  assert.equal(stateCounts(ds), '1 fail, 2 pass');
});
