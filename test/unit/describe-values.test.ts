// How findings name a value the code returned where a tensor was expected (core/engine/values.ts describe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe } from '../../core/engine/values';

test('values are named in plain words, also when reading them throws', () => {
  assert.equal(describe([1, 2, 3]), 'an array of 3 numbers');
  assert.equal(describe([[1], [2]]), 'an array of 2 arrays');
  assert.equal(describe([1, 'a']), 'an array of 2 mixed values');
  assert.equal(describe([]), 'an empty array');
  assert.equal(describe('dx'), "a string ('dx')");
  assert.equal(describe(Float32Array.of(1)), 'a Float32Array');
  assert.equal(describe({ dx: 1, dw: 2 }), 'an object with keys {dx, dw}');
  const hostile = new Proxy(
    {},
    {
      get: () => {
        throw new Error('no');
      },
      ownKeys: () => {
        throw new Error('no');
      },
    },
  );
  assert.equal(describe(hostile), 'a value that throws when it is read');
});
