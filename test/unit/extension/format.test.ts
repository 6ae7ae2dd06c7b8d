import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duration, elementName, precise, short } from '../../../extension/format';

test('short numbers for titles', () => {
  assert.equal(short(3.2e-10), '3e-10');
  assert.equal(short(0.5), '0.5');
  assert.equal(short(2), '2');
  assert.equal(short(1.5), '1.5');
  assert.equal(short(123456), '1e+5');
  assert.equal(short(0), '0');
  assert.equal(short(null), 'n/a');
});

test('precise numbers for analytic vs numeric', () => {
  assert.equal(precise(-0.784729123), '-0.784729');
  assert.equal(precise(1.5e-9), '1.5e-9');
  assert.equal(precise(2), '2');
  assert.equal(precise(null), 'n/a (not finite)');
});

test('element names and durations', () => {
  assert.equal(elementName('W', [1, 2]), 'W[1, 2]');
  assert.equal(elementName('s', []), 's');
  assert.equal(duration(850), '850 ms');
  assert.equal(duration(2500), '2.5 s');
  assert.equal(duration(12_300), '12.3 s');
  assert.equal(duration(150_000), '2.5 min');
});
