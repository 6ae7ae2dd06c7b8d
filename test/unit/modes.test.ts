// Checking modes: full, sample, fast (directions, then blocks, then elements) and auto; what each costs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn, layer, randn } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import type { CheckOverrides } from '../../core/engine/api';

function check(decl: unknown, overrides: CheckOverrides = {}) {
  const raw = runDeclarationCheck(decl as Declaration, 'decl', overrides);
  return { raw, report: assembleReport(raw, { file: __filename, timeMs: 0, workers: 1 }) };
}

/** f(x) = Σ log cosh(x_i) over n elements; gradient tanh, with an optional bug at one index. */
function logCosh(n: number, bug?: { index: number; factor: number }) {
  return fn({
    at: { x: randn([n]) },
    f: ({ x }) => {
      let s = 0;
      for (let i = 0; i < x.data.length; i++) s += Math.log(Math.cosh(x.data[i]));
      return s;
    },
    grad: ({ x }) => {
      const g = x.data.map(Math.tanh);
      if (bug) g[bug.index] *= bug.factor;
      return { x: g };
    },
  });
}

test('full mode checks every element at about 2 evaluations each when the gradient is right', () => {
  const { raw, report } = check(logCosh(400), { mode: 'full' });
  assert.equal(report.status, 'pass');
  assert.equal(report.tensors[0].checked, 400);
  assert.equal(report.tensors[0].method, 'elements');
  // Only undecided elements pay for the Richardson ladder.
  assert.ok(raw.evaluations <= 2 * 400 * 1.1 + 2, `evaluations ${raw.evaluations}`);
});

test('fast mode: a single entry wrong by 10% in a 10,000-element tensor is caught and located', () => {
  const { raw, report } = check(logCosh(10_000, { index: 7_321, factor: 1.1 }), { mode: 'fast' });
  assert.equal(report.status, 'fail');
  const t = report.tensors[0];
  assert.equal(t.failing, 1);
  assert.equal(t.worst?.flat, 7_321);
  assert.equal(t.method, 'blocks');
  assert.equal(t.hints[0]?.code, 'few-elements');
  // Directions and ⌈√N⌉ blocks, then one block's elements: a small fraction of the 20,000 of a full check.
  assert.ok(raw.evaluations < 2_000, `evaluations ${raw.evaluations}`);
});

test('fast mode: a 1% error on one entry of 10,000 is caught too', () => {
  const { report } = check(logCosh(10_000, { index: 42, factor: 1.01 }), { mode: 'fast' });
  assert.equal(report.status, 'fail');
  assert.equal(report.tensors[0].worst?.flat, 42);
});

test('fast mode on a correct tensor costs the same whatever its size', () => {
  const small = check(logCosh(100), { mode: 'fast' }).raw.evaluations;
  const large = check(logCosh(20_000), { mode: 'fast' }).raw.evaluations;
  assert.equal(small, large);
  assert.ok(large <= 2 + 2 * 8, `evaluations ${large}`);
  const { report } = check(logCosh(20_000), { mode: 'fast' });
  assert.equal(report.status, 'pass');
  assert.equal(report.tensors[0].method, 'directions');
});

test('auto: every element when small, directions when large, elements where directions fail', () => {
  assert.equal(check(logCosh(300)).report.tensors[0].method, 'elements');
  const large = check(logCosh(8_000)).report;
  assert.equal(large.tensors[0].method, 'directions');
  assert.equal(large.status, 'pass');
  const wrong = check(logCosh(8_000, { index: 5, factor: 2 })).report;
  assert.equal(wrong.status, 'fail');
  assert.equal(wrong.tensors[0].worst?.flat, 5);
});

test('sample mode checks a seeded sample (and says so)', () => {
  const a = check(logCosh(900), { mode: 'sample' }).report.tensors[0];
  const b = check(logCosh(900), { mode: 'sample' }).report.tensors[0];
  assert.equal(a.method, 'sample');
  assert.equal(a.checked, 30);
  assert.deepEqual(
    a.elements?.flat.filter((_, i) => a.elements!.state[i] !== 'unchecked'),
    b.elements?.flat.filter((_, i) => b.elements!.state[i] !== 'unchecked'),
  );
  assert.equal(check(logCosh(900), { mode: 'sample', sample: 50 }).report.tensors[0].checked, 50);
});

test('fast mode through a kink narrows down to elements and reports a warning, not a failure', () => {
  const relu = layer({
    at: { x: randn([3000]) },
    forward: ({ x }) => {
      const out = x.data.map((v) => Math.max(0, v));
      return out;
    },
    backward: (dout: Float64Array, { x }) => ({ x: dout.map((g, i) => (x.data[i] > 0 ? g : 0)) }),
  });
  // Put exact zeros in: the directions then cross kinks.
  const { report } = check(relu, { mode: 'fast' });
  assert.notEqual(report.status, 'fail');
});

test('every element of the report has a state; large tensors list a sample of elements', () => {
  const { report } = check(logCosh(70_000, { index: 3, factor: 3 }), { mode: 'fast' });
  const t = report.tensors[0];
  assert.equal(t.elements?.layout, 'sampled');
  assert.ok(t.elements!.flat.includes(3), 'the failing element is always listed');
  assert.ok(t.elements!.flat.length <= 65_536);
});
