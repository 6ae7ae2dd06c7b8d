// The model-file contract, checked in-process: every tensor form, every declaration kind, and every kind of
// bad input becoming a clear finding on the declaration instead of a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn, layer, model, ones, rand, randint, randn, tensor, zeros } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import type { CheckOverrides } from '../../core/engine/api';
import type { DeclarationReport } from '../../core/report/types';

function check(decl: unknown, overrides: CheckOverrides = {}, name = 'decl'): DeclarationReport {
  const raw = runDeclarationCheck(decl as Declaration, name, overrides);
  return assembleReport(raw, { file: __filename, timeMs: 0, workers: 1 });
}

const codes = (r: DeclarationReport) => r.findings.map((f) => f.code);
const tensorOf = (r: DeclarationReport, path: string) => r.tensors.find((t) => t.path === path)!;

// f(x, y) = Σ sin(x)·y + Σ x², in each tensor form.
const sinDot = {
  f: ({ x, y }: { x: number[]; y: number[] }) => x.reduce((a, v, i) => a + Math.sin(v) * y[i] + v * v, 0),
  grad: ({ x, y }: { x: number[]; y: number[] }) => ({ x: x.map((v, i) => Math.cos(v) * y[i] + 2 * v), y: x.map((v) => Math.sin(v)) }),
};

test('tensor forms: nested arrays, typed arrays, { data, shape }, numbers', () => {
  const nested = fn({ at: { x: [0.1, -0.4, 1.3], y: [2.5, 0.5, -1.5] }, ...sinDot });
  assert.equal(check(nested).status, 'pass');
  const typed = fn({
    at: { x: Float64Array.of(0.1, -0.4, 1.3), y: Float64Array.of(2.5, 0.5, -1.5) },
    f: ({ x, y }) => sinDot.f({ x: [...x], y: [...y] }),
    grad: ({ x, y }) => {
      const g = sinDot.grad({ x: [...x], y: [...y] });
      return { x: Float64Array.from(g.x), y: Float64Array.from(g.y) };
    },
  });
  assert.equal(check(typed).status, 'pass');
  const scalar = fn({ at: { a: 0.7, b: 1.9 }, f: ({ a, b }) => a * a * b, grad: ({ a, b }) => ({ a: 2 * a * b, b: a * a }) });
  const r = check(scalar);
  assert.equal(r.status, 'pass');
  assert.deepEqual(tensorOf(r, 'a').shape, []);
  const obj = fn({
    at: { w: randn([2, 3]) },
    f: ({ w }) => w.data.reduce((a, v) => a + v ** 3, 0),
    grad: ({ w }) => ({ w: { data: w.data.map((v) => 3 * v * v), shape: [2, 3] } }),
  });
  assert.equal(check(obj).status, 'pass');
});

test('helpers are seeded by the declaration name: same name same inputs, other name other inputs', () => {
  const seen: number[][] = [];
  const spy = fn({
    at: { x: randn([4]), u: rand([2], { low: 2, high: 3 }), z: zeros([2]), o: ones([2]), t: tensor([[1.5, 2.5]]) },
    f: ({ x, u, z, o, t }) => {
      seen.push([...x.data]);
      assert.ok(u.data.every((v) => v >= 2 && v < 3));
      assert.deepEqual([...z.data, ...o.data, ...t.data], [0, 0, 1, 1, 1.5, 2.5]);
      return x.data.reduce((a, v) => a + v, 0);
    },
    grad: ({ x }) => ({ x: x.data.map(() => 1) }),
    wrt: ['x'],
  });
  check(spy, {}, 'alpha');
  const first = seen[0];
  seen.length = 0;
  check(spy, {}, 'alpha');
  assert.deepEqual(seen[0], first);
  seen.length = 0;
  check(spy, {}, 'beta');
  assert.notDeepEqual(seen[0], first);
});

test('wrt: integer data (randint labels) is not differentiated by default; wrt selects', () => {
  const softmaxLoss = fn({
    at: { s: randn([3, 4], { nested: true }), y: randint(0, 4, [3]) },
    f: ({ s, y }) => {
      let loss = 0;
      s.forEach((row, n) => {
        const m = Math.max(...row);
        const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
        loss += -(row[y[n]] - m - Math.log(z)) / 3;
      });
      return loss;
    },
    grad: ({ s, y }) => ({
      s: s.map((row, n) => {
        const m = Math.max(...row);
        const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
        return row.map((v, j) => (Math.exp(v - m) / z - (j === y[n] ? 1 : 0)) / 3);
      }),
    }),
  });
  const r = check(softmaxLoss);
  assert.equal(r.status, 'pass');
  assert.deepEqual(
    r.tensors.map((t) => t.path),
    ['s'],
  );
  const bad = fn({ ...sinDot, at: { x: [0.1], y: [0.2] }, wrt: ['q'] });
  const rb = check(bad);
  assert.equal(rb.status, 'error');
  assert.match(rb.summary, /wrt names 'q'/);
});

test("cs231n's dx for input x, a bare typed array for a shaped tensor, and valueAndGrad in both forms", () => {
  const square = { f: ({ x }: { x: { data: Float64Array } }) => x.data.reduce((a, v) => a + v * v, 0) };
  const dx = fn({ at: { x: randn([2, 2]) }, ...square, grad: ({ x }) => ({ dx: x.data.map((v) => 2 * v) }) });
  const r = check(dx);
  assert.equal(r.status, 'pass');
  assert.equal(r.tensors[0].gradientKey, 'dx');
  const tuple = fn({ at: { x: randn([3]) }, valueAndGrad: ({ x }) => [square.f({ x }), { x: x.data.map((v) => 2 * v) }] });
  assert.equal(check(tuple).status, 'pass');
  const object = fn({ at: { x: randn([3]) }, valueAndGrad: ({ x }) => ({ value: square.f({ x }), grad: { x: x.data.map((v) => 2 * v) } }) });
  assert.equal(check(object).status, 'pass');
  // Coursera: one unrolled parameter vector, the gradient returned bare.
  const bare = fn({ at: { theta: randn([4]) }, valueAndGrad: ({ theta }) => [square.f({ x: theta }), theta.data.map((v) => 2 * v)] });
  assert.equal(check(bare).status, 'pass');
});

test('bad gradients are findings on the declaration: missing key, wrong shape, transposed shape, NaN, not a tensor', () => {
  const base = { at: { W: randn([2, 3]) }, f: ({ W }: { W: { data: Float64Array } }) => W.data.reduce((a, v) => a + v * v, 0) };
  const missing = check(fn({ ...base, grad: () => ({ dX: [1] }) }));
  assert.equal(missing.status, 'error');
  assert.ok(codes(missing).includes('missing-gradient'));
  assert.match(missing.summary, /no gradient for 'W'.*dX/);
  const shape = check(fn({ ...base, grad: () => ({ W: [[1, 2]] }) }));
  assert.ok(codes(shape).includes('shape-mismatch'));
  assert.match(shape.findings.find((f) => f.code === 'shape-mismatch')!.message, /\[1, 2\], expected \[2, 3\]/);
  const transposed = check(
    fn({
      ...base,
      grad: () => ({
        W: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      }),
    }),
  );
  assert.match(transposed.findings.find((f) => f.code === 'shape-mismatch')!.message, /transpose/);
  const nan = check(fn({ ...base, grad: ({ W }) => ({ W: W.data.map((v, i) => (i === 4 ? NaN : 2 * v)) }) }));
  assert.equal(nan.status, 'fail');
  assert.ok(codes(nan).includes('nonfinite-gradient'));
  assert.equal(tensorOf(nan, 'W').hints[0].code, 'nonfinite');
  const notTensor = check(fn({ ...base, grad: () => ({ W: 'oops' }) }));
  assert.equal(notTensor.status, 'error');
  assert.match(notTensor.summary, /not a tensor/);
});

test('bad values: not a scalar, NaN loss, a Promise, code that throws (located at the user line)', () => {
  const notScalar = check(fn({ at: { x: randn([2]) }, f: ({ x }) => x.data as unknown as number, grad: ({ x }) => ({ x: x.data }) }));
  assert.ok(codes(notScalar).includes('not-scalar'));
  const nanLoss = check(fn({ at: { x: randn([2]) }, f: () => NaN, grad: ({ x }) => ({ x: x.data }) }));
  assert.ok(codes(nanLoss).includes('nonfinite-output'));
  const promise = check(fn({ at: { x: randn([2]) }, f: (async () => 1) as unknown as () => number, grad: ({ x }) => ({ x: x.data }) }));
  assert.equal(promise.status, 'error');
  assert.match(promise.summary, /Promise/);
  const throws = check(
    layer({
      at: { x: randn([2]) },
      forward: ({ x }) => x,
      backward: () => {
        throw new Error('not implemented yet');
      },
    }),
  );
  assert.equal(throws.status, 'error');
  const f = throws.findings.find((x) => x.code === 'threw')!;
  assert.match(f.message, /backward threw Error: not implemented yet/);
  assert.equal(f.location?.file, __filename);
  assert.equal(f.phase, 'backward');
});

test('code that throws only at a perturbed point stops with a finding, not a crash', () => {
  const r = check(
    fn({
      at: { x: [1.5, 2] },
      f: ({ x }) => {
        if (x[0] !== 1.5) throw new RangeError('x moved');
        return x[0] + x[1];
      },
      grad: () => ({ x: [1, 1] }),
    }),
  );
  assert.equal(r.status, 'error');
  assert.match(r.summary, /x moved/);
});

test('non-determinism is reported; ctx randomness and Math.random replay identically', () => {
  let counter = 0;
  const drifting = check(fn({ at: { x: randn([3]) }, f: ({ x }) => x.data[0] + counter++, grad: () => ({ x: [1, 0, 0] }) }));
  assert.ok(codes(drifting).includes('nondeterministic'));
  const dropout = layer({
    at: { x: randn([4, 5]) },
    forward: ({ x }, ctx) => {
      const mask = x.data.map(() => (ctx.random() < 0.5 ? 2 : 0));
      return { out: { data: x.data.map((v, i) => v * mask[i]), shape: x.shape }, cache: mask };
    },
    backward: (dout: { data: Float64Array }, mask: Float64Array) => ({ x: dout.data.map((g, i) => g * mask[i]) }),
  });
  assert.equal(check(dropout).status, 'pass');
  const mathRandom = layer({
    at: { x: randn([6]) },
    forward: ({ x }) => {
      const mask = x.data.map(() => (Math.random() < 0.5 ? 2 : 0));
      return { out: x.data.map((v, i) => v * mask[i]), cache: mask };
    },
    backward: (dout: Float64Array, mask: Float64Array) => ({ x: dout.map((g, i) => g * mask[i]) }),
  });
  assert.equal(check(mathRandom).status, 'pass');
});

test('a forward that writes into its input is a warning, and the check stays right', () => {
  const inPlace = layer({
    at: { x: tensor([-1.5, 0.5, 2.0, -0.25]) },
    forward: ({ x }) => {
      for (let i = 0; i < x.data.length; i++) x.data[i] = x.data[i] * x.data[i];
      return x;
    },
    backward: (dout: { data: Float64Array }, cache: { x: { data: Float64Array } }) => ({ x: dout.data.map((g, i) => 2 * g * Math.sqrt(cache.x.data[i])) }),
  });
  const r = check(inPlace);
  assert.ok(codes(r).includes('mutates-input'));
});

test('a backward that writes into the inputs through its cache is a warning, and the values are put back', () => {
  // A class instance is not copied for each backward (plain data is), so the cache holds the caller's x itself.
  class Cache {
    constructor(readonly x: { data: Float64Array }) {}
  }
  const zeroing = layer({
    at: { x: tensor([-1.5, 0.5, 2.0, -0.25]) },
    forward: ({ x }) => ({ out: x.data.map((v) => v * v), cache: new Cache(x) }),
    backward: (dout: Float64Array, cache: Cache) => {
      const dx = dout.map((g, i) => 2 * g * cache.x.data[i]);
      cache.x.data.fill(0); // "frees" the cache: the caller's x is zeroed
      return { x: dx };
    },
  });
  const r = check(zeroing);
  const warning = r.findings.find((f) => f.code === 'mutates-input');
  assert.ok(warning && warning.severity === 'warning' && /backward writes into 'x'/.test(warning.message), JSON.stringify(r.findings));
  assert.equal(r.status, 'warn', 'the gradient is right once x is restored');
  assert.ok(r.tensors.every((t) => t.status === 'pass'));
});

test('code declared float64 that computes in float32 is told to say so; float64 code is not', () => {
  const at = { x: [0.31, -1.27, 0.66, 2.05, -0.48, 1.13, -0.92, 0.17] };
  const f32 = {
    f: ({ x }: { x: number[] }) => x.reduce((a, v) => Math.fround(a + Math.fround(Math.fround(v) ** 2)), 0),
    grad: ({ x }: { x: number[] }) => ({ x: x.map((v) => Math.fround(2 * Math.fround(v))) }),
  };
  const f64 = { f: ({ x }: { x: number[] }) => x.reduce((a, v) => a + v * v, 0), grad: ({ x }: { x: number[] }) => ({ x: x.map((v) => 2 * v) }) };
  assert.ok(codes(check(fn({ at, ...f32 }))).includes('float32-code'));
  assert.ok(!codes(check(fn({ at, dtype: 'float32', ...f32 }))).includes('float32-code'));
  assert.ok(!codes(check(fn({ at, ...f64 }))).includes('float32-code'));
});

test('C¹ points (Huber at |r| = δ, ELU at 0) pass when right and fail when wrong', () => {
  const huber = (wrongClip: boolean) =>
    fn({
      at: { pred: [1, 0.5, -1, 2.5], target: [0, 0, 0, 0] },
      wrt: ['pred'],
      f: ({ pred, target }: { pred: number[]; target: number[] }) =>
        pred.reduce((s, p, i) => s + (Math.abs(p - target[i]) <= 1 ? 0.5 * (p - target[i]) ** 2 : Math.abs(p - target[i]) - 0.5), 0),
      grad: ({ pred, target }: { pred: number[]; target: number[] }) => ({
        pred: pred.map((p, i) => {
          const r = p - target[i];
          return Math.abs(r) <= 1 ? r : wrongClip ? r : Math.sign(r);
        }),
      }),
    });
  for (const mode of ['auto', 'full'] as const) {
    assert.equal(check(huber(false), { mode }).status, 'pass', mode);
    assert.equal(check(huber(true), { mode }).status, 'fail', mode);
  }
  const elu = layer({
    at: { x: tensor([0, 0.5, -0.5]) },
    forward: ({ x }) => ({ data: x.data.map((v) => (v > 0 ? v : Math.expm1(v))), shape: x.shape }),
    backward: (dout: { data: Float64Array }, { x }: { x: { data: Float64Array } }) => ({
      x: dout.data.map((g, i) => g * (x.data[i] > 0 ? 1 : Math.exp(x.data[i]))),
    }),
  });
  assert.equal(check(elu, { mode: 'full' }).status, 'pass');
});

test('a step that leaves the domain is retried smaller; what stays undifferentiable is a warning, never a pass', () => {
  // Gaussian NLL over variances spread over six decades: the usual step (the tensor's rms) crosses 0 at 0.001.
  const r2 = [0.5, 2.0, 0.05, 1.5];
  const nll = (bug: number) =>
    fn({
      at: { v: tensor([1000, 1, 0.001, 2]) },
      f: ({ v }: { v: { data: Float64Array } }) => v.data.reduce((s, a, i) => s + 0.5 * (Math.log(a) + r2[i] / a), 0),
      grad: ({ v }: { v: { data: Float64Array } }) => ({ v: v.data.map((a, i) => 0.5 * (1 / a - r2[i] / (a * a)) * (i === 2 ? bug : 1)) }),
    });
  assert.equal(check(nll(1)).status, 'pass');
  const buggy = check(nll(1.01));
  assert.equal(buggy.status, 'fail', buggy.summary);
  assert.equal(tensorOf(buggy, 'v').worst?.flat, 2);
  // A probability 1e-9 from 1: no step stays inside (0, 1), so that element is said to be unchecked.
  const bce = fn({
    at: { p: tensor([0.3, 0.6, 1 - 1e-9, 0.2]) },
    f: ({ p }: { p: { data: Float64Array } }) => -p.data.reduce((s, q) => s + Math.log(q) + Math.log(1 - q), 0),
    grad: ({ p }: { p: { data: Float64Array } }) => ({ p: p.data.map((q) => -1 / q + 1 / (1 - q)) }),
  });
  const r = check(bce);
  assert.equal(r.status, 'warn', r.summary);
  assert.deepEqual([tensorOf(r, 'p').checked, tensorOf(r, 'p').undifferentiable], [3, 1]);
  assert.ok(codes(r).includes('undifferentiable'));
});

test('an integer-valued input the code returns a gradient for is checked too; labels are not', () => {
  const affine = (factor: number) =>
    layer({
      at: {
        x: [
          [1, 0, 2],
          [0, 1, 3],
        ],
        w: [
          [0.5, -1.5],
          [2.25, 0.75],
          [-0.5, 1.25],
        ],
        y: [1, 0],
      },
      forward: ({ x, w }: { x: number[][]; w: number[][] }) => x.map((row) => w[0].map((_, j) => row.reduce((s, v, k) => s + v * w[k][j], 0))),
      backward: (dout: number[][], { x, w }: { x: number[][]; w: number[][] }) => ({
        dx: dout.map((row) => w.map((wk) => factor * row.reduce((s, g, j) => s + g * wk[j], 0))),
        dw: w.map((_, k) => w[0].map((__, j) => dout.reduce((s, row, n) => s + x[n][k] * row[j], 0))),
      }),
    });
  const ok = check(affine(1));
  assert.deepEqual(
    ok.tensors.map((t) => [t.path, t.status]),
    [
      ['w', 'pass'],
      ['x', 'pass'],
    ],
  );
  assert.ok(codes(ok).includes('integer-input'));
  const buggy = check(affine(2));
  assert.equal(tensorOf(buggy, 'x').status, 'fail', buggy.summary);
});

test('a gradient that keeps state between calls is caught; one buffer reused and overwritten is fine', () => {
  const at = { x: [0.5, -1.25, 2] };
  const f = ({ x }: { x: number[] }) => x.reduce((s, v) => s + v * v, 0);
  const sum = new Float64Array(3);
  const accumulates = fn({ at, f, grad: ({ x }: { x: number[] }) => ({ x: sum.map((g, i) => (sum[i] = g + 2 * x[i])) }) });
  const r = check(accumulates);
  assert.equal(r.status, 'error');
  assert.match(r.summary, /returns a different gradient when called again at the same point .* never zeroed/);
  const buffer = new Float64Array(3);
  const reuses = fn({
    at,
    f,
    grad: ({ x }: { x: number[] }) => {
      for (let i = 0; i < 3; i++) buffer[i] = 2 * x[i];
      return { x: buffer }; // the same object every call
    },
  });
  assert.equal(check(reuses).status, 'pass');
});

test('a backward that draws its own random numbers is warned about; one that reuses the cached mask is not', () => {
  const dropout = (redraw: boolean) =>
    layer({
      at: { x: randn([8]) },
      forward: ({ x }) => {
        const mask = Float64Array.from(x.data, () => (Math.random() < 0.5 ? 2 : 0));
        return { out: x.data.map((v, i) => v * mask[i]), cache: mask };
      },
      backward: (dout: Float64Array, mask: Float64Array) => {
        const m = redraw ? Float64Array.from(mask, () => (Math.random() < 0.5 ? 2 : 0)) : mask;
        return { x: dout.map((g, i) => g * m[i]) };
      },
    });
  assert.equal(check(dropout(false)).status, 'pass');
  const redraws = check(dropout(true));
  assert.equal(redraws.status, 'warn', redraws.summary);
  assert.deepEqual(
    redraws.findings.filter((f) => f.code === 'random-in-backward').map((f) => f.severity),
    ['warning'],
  );
});

test('values that contain themselves are findings, not a hang or a stack overflow', () => {
  const selfArray: unknown[] = [];
  selfArray.push(selfArray);
  const loopOut = layer({ at: { x: randn([3]) }, forward: () => selfArray as never, backward: () => ({ x: [0, 0, 0] }) });
  const out = check(loopOut);
  assert.equal(out.status, 'error');
  assert.match(out.summary, /output/);
  const selfObject: Record<string, unknown> = {};
  selfObject.dx = selfObject;
  const loopGrad = fn({ at: { x: [0.5, 1.5] }, f: ({ x }: { x: number[] }) => x[0] * x[1], grad: () => selfObject });
  const grad = check(loopGrad);
  assert.equal(grad.status, 'error');
  assert.ok(
    grad.findings.some((f) => f.code === 'missing-gradient' || f.code === 'shape-mismatch'),
    JSON.stringify(grad.findings),
  );
});

test('layers: tree outputs ({ h, c }), douts shaped like the output, several douts', () => {
  const step = layer({
    at: { x: randn([2, 3]) },
    forward: ({ x }) => ({ h: { data: x.data.map(Math.tanh), shape: x.shape }, c: x.data.map((v) => v * v) }),
    backward: (dout: { h: { data: Float64Array; shape: number[] }; c: Float64Array }, { x }) => {
      assert.deepEqual(dout.h.shape, [2, 3]);
      assert.ok(dout.c instanceof Float64Array);
      return { x: x.data.map((v: number, i: number) => dout.h.data[i] * (1 - Math.tanh(v) ** 2) + dout.c[i] * 2 * v) };
    },
    douts: 4,
  });
  const r = check(step);
  assert.equal(r.status, 'pass');
  assert.equal(r.objectives, 4);
});

test('models: layers from the params tree, flat W1/b1 grouped by their number, grads as the same tree', () => {
  const tree = model({
    params: { fc1: { W: randn([3, 2]) }, fc2: { W: randn([2]) } },
    data: { X: randn([3]) },
    loss: (p, d) => {
      const h = [0, 1].map((j) => Math.tanh(d.X.data.reduce((a, x, i) => a + x * p.fc1.W.data[i * 2 + j], 0)));
      return h.reduce((a, v, j) => a + v * p.fc2.W.data[j], 0);
    },
    grad: (p, d) => {
      const z = [0, 1].map((j) => d.X.data.reduce((a, x, i) => a + x * p.fc1.W.data[i * 2 + j], 0));
      const dW1 = new Float64Array(6);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) dW1[i * 2 + j] = d.X.data[i] * (1 - Math.tanh(z[j]) ** 2) * p.fc2.W.data[j];
      return { fc1: { dW: dW1 }, fc2: { W: z.map(Math.tanh) } };
    },
  });
  const r = check(tree);
  assert.equal(r.status, 'pass');
  assert.deepEqual(
    r.tensors.map((t) => [t.path, t.group]),
    [
      ['fc1.W', 'fc1'],
      ['fc2.W', 'fc2'],
    ],
  );
  const flat = model({
    params: { W1: randn([2]), b1: randn([1]), W2: randn([1]) },
    loss: (p) => (p.W1.data[0] * p.W1.data[1] + p.b1.data[0]) * p.W2.data[0],
    grad: (p) => ({ W1: [p.W1.data[1] * p.W2.data[0], p.W1.data[0] * p.W2.data[0]], b1: [p.W2.data[0]], W2: [p.W1.data[0] * p.W1.data[1] + p.b1.data[0]] }),
  });
  const rf = check(flat);
  assert.equal(rf.status, 'pass');
  assert.deepEqual([...new Set(rf.tensors.map((t) => t.group))], ['layer 1', 'layer 2']);
});

test('declarations that cannot be checked say why', () => {
  assert.match(check(fn({ at: { x: [0.5] }, f: ({ x }: { x: number[] }) => x[0] } as never)).summary, /needs grad or valueAndGrad/);
  assert.match(check(layer({ at: { x: [0.5] }, forward: ({ x }: { x: number[] }) => x } as never)).summary, /needs forward and backward/);
  assert.match(check(fn({ at: { n: [1, 2] }, f: () => 1, grad: () => ({}) })).summary, /nothing to differentiate/);
  // Problems of the spec itself are findings of that declaration, not a throw that would stop the file loading.
  assert.match(check(fn({ at: {}, f: () => 1, grad: () => ({}), forwrd: 1 } as never)).summary, /does not know 'forwrd'/);
  assert.match(check(fn(null as never)).summary, /fn\(\) takes an object, got null/);
  const options = check(fn({ at: { x: [0.5] }, f: () => 1, grad: () => ({ x: [0] }), timeLimit: -5, tolerance: 'loose', mode: 'turbo', douts: 0 } as never));
  assert.equal(options.status, 'error');
  assert.deepEqual(
    options.findings.map((f) => [f.code, f.message.split(',')[0]]),
    [
      ['bad-declaration', 'tolerance must be a positive number (the relative tolerance) or { rtol'],
      ['bad-declaration', "mode must be 'auto'"],
      ['bad-declaration', 'timeLimit must be a positive number of milliseconds'],
      ['bad-declaration', 'douts must be an integer from 1 to 16'],
    ],
  );
  const getter = check(
    layer(
      Object.defineProperty({}, 'at', {
        enumerable: true,
        get: () => {
          throw new Error('no inputs yet');
        },
      }) as never,
    ),
  );
  assert.match(getter.summary, /reading the object given to layer\(\) threw: no inputs yet/);
  // A tensor description that cannot be made is the declaration's problem, when it is checked.
  const negative = check(fn({ at: { x: randn([-3]) }, f: () => 1, grad: () => ({ x: [] }) }));
  assert.match(negative.summary, /randn\(\): a shape is an array of non-negative integers, got \[-3\]/);
  assert.match(check(fn({ at: { y: randint(3, 3, [2]), x: [1] }, f: () => 1, grad: () => ({ x: [0] }) })).summary, /randint\(\): needs integers low < high/);
  assert.match(check(fn({ at: { x: tensor([[1, 2], [3]]) }, f: () => 1, grad: () => ({ x: [] }) })).summary, /tensor\(\)/);
});
