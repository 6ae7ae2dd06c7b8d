// Checking modes: full, sample, fast (directions, then blocks, then elements) and auto; what each costs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn, layer, model, randint, randn } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import type { CheckOverrides } from '../../core/engine/api';
import { mlpGrad, mlpLoss, type Activation, type MlpParams, type MlpData } from '../../bench/models/lib/mlp';
import { reluNet } from '../fixtures/engine/scale/relu-net';

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

test('fast mode on a correct tensor costs no more as it grows', () => {
  const small = check(logCosh(100), { mode: 'fast' }).raw.evaluations;
  const large = check(logCosh(20_000), { mode: 'fast' }).raw.evaluations;
  // Baseline 2, noise probe 4, two directions of 4 each; a long sum's round-off asks for larger steps, where a
  // direction's first two steps may leave too much truncation and it takes the ladder's third (6).
  assert.equal(small, 2 + 4 + 2 * 4);
  assert.ok(small <= large && large <= 2 + 4 + 2 * 6, `evaluations ${small}, ${large}`);
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

/** The benchmark's 20-50-10 net, with the gradient of one whole tensor scaled by `factor` (1: correct). */
function net(activation: Activation, factor = 1, tensor: 'fc1.W' | 'fc2.W' = 'fc1.W') {
  return model({
    params: {
      fc1: { W: randn([20, 50], { scale: Math.sqrt(2 / 20) }), b: randn([50], { scale: 0.1 }) },
      fc2: { W: randn([50, 10], { scale: Math.sqrt(2 / 50) }), b: randn([10], { scale: 0.1 }) },
    },
    data: { X: randn([16, 20]), y: randint(0, 10, [16]), reg: 0.01 },
    loss: (params, data) => mlpLoss(params as MlpParams, data as MlpData, { activation }),
    grad: (params, data) => {
      const g = mlpGrad(params as MlpParams, data as MlpData, { activation });
      const t = tensor === 'fc1.W' ? g.fc1.W : g.fc2.W;
      for (let i = 0; i < t.data.length; i++) t.data[i] *= factor;
      return g;
    },
  });
}

test('fast mode on the benchmark net: correct passes on two 4-evaluation directions, a 1e-6 error over a whole tensor fails', () => {
  for (const seed of [1, 2]) {
    for (const activation of ['relu', 'tanh'] as const) {
      const correct = check(net(activation), { mode: 'fast', seed });
      assert.equal(correct.report.status, 'pass', `${activation}, seed ${seed}: ${correct.report.summary}`);
      // Baseline 2, the round-off probe 4, then two directions settled on their first two steps.
      assert.equal(correct.raw.evaluations, 2 + 4 + 2 * 4, `${activation}, seed ${seed}`);
      const factor = seed === 1 ? 1 + 1e-6 : 1 - 1e-6;
      for (const tensor of ['fc1.W', 'fc2.W'] as const) {
        const { report } = check(net(activation, factor, tensor), { mode: 'fast', seed });
        assert.equal(report.status, 'fail', `${activation} ${tensor} ×${factor}, seed ${seed}: ${report.summary}`);
        assert.equal(report.tensors.find((t) => t.path === tensor)?.status, 'fail', `${activation} ${tensor} ×${factor}, seed ${seed}`);
      }
    }
  }
});

test('fast mode through ReLU kinks (zero bias, zero input rows): a correct net warns, never fails; a missing L2 term fails', () => {
  const shape = { inputs: 30, hidden: 40, classes: 5, batch: 8, zeroBias: true, zeroRows: true };
  for (const seed of [1, 2]) {
    const correct = check(reluNet(shape), { mode: 'fast', seed }).report;
    assert.notEqual(correct.status, 'fail', `seed ${seed}: ${correct.summary}`);
    for (const t of correct.tensors) assert.equal(t.failing, 0, `seed ${seed}, ${t.path}`);
    const buggy = check(reluNet({ ...shape, missingReg: true }), { mode: 'fast', seed }).report;
    assert.equal(buggy.status, 'fail', `seed ${seed}`);
    assert.equal(buggy.tensors.find((t) => t.path === 'fc1.W')?.status, 'fail', `seed ${seed}`);
  }
});

test('every element of the report has a state; large tensors list a sample of elements', () => {
  const { report } = check(logCosh(70_000, { index: 3, factor: 3 }), { mode: 'fast' });
  const t = report.tensors[0];
  assert.equal(t.elements?.layout, 'sampled');
  assert.ok(t.elements!.flat.includes(3), 'the failing element is always listed');
  assert.ok(t.elements!.flat.length <= 65_536);
});
