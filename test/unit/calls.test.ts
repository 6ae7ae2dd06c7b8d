// Call conventions: positional homework functions (cs231n's affineForward(x, w, b)) are called as declared,
// returns in the shapes homework uses are accepted, and a failing call says how it was made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn, layer, randint, randn, type Tensor } from '../../core/index';
import type { Declaration } from '../../core/contract/declarations';
import { parameterList, planCall } from '../../core/contract/calls';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';

const check = (decl: unknown) =>
  assembleReport(runDeclarationCheck(decl as Declaration, 'decl', { mode: 'full' }), { file: __filename, timeMs: 0, workers: 1 });

test('parameter lists are read from the source: names, defaults, destructuring, rest, comments', () => {
  const names = (f: (...a: never[]) => unknown) =>
    parameterList(f).map((p) => (p.destructured ? '{}' : `${p.rest ? '...' : ''}${p.name}${p.defaulted ? '=' : ''}`));
  assert.deepEqual(
    names(function affineForward(x: number, w: number, b: number) {
      return x + w + b;
    } as never),
    ['x', 'w', 'b'],
  );
  assert.deepEqual(names(((x: number, eps = Math.max(1e-5, 2)) => x + eps) as never), ['x', 'eps=']);
  assert.deepEqual(names((({ x }: { x: number }, ctx: unknown) => [x, ctx]) as never), ['{}', 'ctx']);
  assert.deepEqual(names(((x: number /* the input, (N, D) */, ...rest: number[]) => x + rest.length) as never), ['x', '...rest']);
  assert.deepEqual(names(((s: string = 'a,b') => s) as never), ['s=']);
  assert.deepEqual(names(new Function('return x => x')() as never), ['x']);
  assert.deepEqual(names(new Function('return async function (a, { b }) { return a }')() as never), ['a', '{}']);
});

test('plans: names matching the inputs are positional, anything else gets the inputs object', () => {
  const inputs = ['x', 'w', 'b'];
  assert.equal(
    planCall(((x: unknown, w: unknown, b: unknown) => [x, w, b]) as never, 'affineForward', inputs, undefined, 'inputs').signature,
    'affineForward(x, w, b)',
  );
  assert.equal(planCall(((X: unknown, W: unknown) => [X, W]) as never, 'f', inputs, undefined, 'inputs').signature, 'f(x, w)');
  assert.equal(planCall(((inputs: unknown, ctx: unknown) => [inputs, ctx]) as never, 'forward', inputs, undefined, 'inputs').style, 'object');
  assert.equal(planCall((({ x }: { x: unknown }) => x) as never, 'forward', inputs, undefined, 'inputs').style, 'object');
  const withCtx = planCall(((x: unknown, w: unknown, ctx: unknown) => [x, w, ctx]) as never, 'f', inputs, undefined, 'inputs');
  assert.equal(withCtx.passCtx, true);
  assert.equal(planCall(((a: unknown, b: unknown) => [a, b]) as never, 'g', inputs, ['w', 'x'], 'inputs').signature, 'g(w, x)');
  // A parameter that is no input and has no default: not positional.
  assert.equal(planCall(((x: unknown, mode: unknown) => [x, mode]) as never, 'f', inputs, undefined, 'inputs').style, 'object');
});

type T = Tensor;
const mm = (a: T, b: T): T => {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out[i * m + j] += a.data[i * k + t] * b.data[t * m + j];
  return { data: out, shape: [n, m] } as T;
};
const tr = (a: T): T => {
  const [n, m] = a.shape;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a.data[i * m + j];
  return { data: out, shape: [m, n] } as T;
};

function affineForward(x: T, w: T, b: T): [T, [T, T, T]] {
  const out = mm(x, w);
  for (let i = 0; i < out.data.length; i++) out.data[i] += b.data[i % b.shape[0]];
  return [out, [x, w, b]];
}
function affineBackward(dout: T, cache: [T, T, T]): [T, T, Float64Array] {
  const [x, w] = cache;
  const db = new Float64Array(w.shape[1]);
  for (let i = 0; i < dout.data.length; i++) db[i % db.length] += dout.data[i];
  return [mm(dout, tr(w)), mm(tr(x), dout), db];
}

test('a positional cs231n layer with tuple returns is checked as it is, no adapter', () => {
  const report = check(layer({ at: { x: randn([4, 5]), w: randn([5, 3]), b: randn([3]) }, forward: affineForward, backward: affineBackward }));
  assert.equal(report.status, 'pass', report.summary);
  assert.deepEqual(
    report.tensors.map((t) => t.path),
    ['x', 'w', 'b'],
  );
});

test('a tuple of gradients follows the order the positional function takes its inputs, not the order of at', () => {
  function mulForward(a: number[][], b: number[][]) {
    return [a.map((r, i) => r.map((v, j) => v * b[i][j])), { a, b }];
  }
  function mulBackward(dout: number[][], cache: { a: number[][]; b: number[][] }) {
    return [dout.map((r, i) => r.map((g, j) => g * cache.b[i][j])), dout.map((r, i) => r.map((g, j) => g * cache.a[i][j]))];
  }
  const swapped = layer({ at: { b: randn([2, 3], { nested: true }), a: randn([2, 3], { nested: true }) }, forward: mulForward, backward: mulBackward });
  assert.equal(check(swapped).status, 'pass', check(swapped).summary);
  // The same for a grad(x, w) called positionally and returning [dx, dw].
  const dot = fn({
    at: { w: [0.5, -1.5, 2], x: [1.25, 0.75, -0.25] },
    f: (x: number[], w: number[]) => x.reduce((s, v, i) => s + v * w[i] * w[i], 0),
    grad: (x: number[], w: number[]) => [w.map((v) => v * v), w.map((v, i) => 2 * x[i] * v)],
  });
  assert.equal(check(dot).status, 'pass', check(dot).summary);
});

test('softmaxLoss(x, y) returning { loss, dx } is a valueAndGrad; Python-style names in any case', () => {
  const softmaxLoss = (x: T, y: number[]) => {
    const [n, c] = x.shape;
    const dx = new Float64Array(n * c);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let j = 0; j < c; j++) m = Math.max(m, x.data[i * c + j]);
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp(x.data[i * c + j] - m);
      loss -= x.data[i * c + y[i]] - m - Math.log(s);
      for (let j = 0; j < c; j++) dx[i * c + j] = (Math.exp(x.data[i * c + j] - m) / s - (j === y[i] ? 1 : 0)) / n;
    }
    return { loss: loss / n, dX: dx };
  };
  const report = check(fn({ at: { x: randn([5, 4]), y: randint(0, 4, [5]) }, wrt: ['x'], valueAndGrad: softmaxLoss }));
  assert.equal(report.status, 'pass', report.summary);
});

test('a failing positional call says how it was called and what it should return', () => {
  // Written for nested arrays, called with tensors: it throws.
  const broken = (x: T, w: T) => (x as unknown as number[]).map((v) => v * w.data[0]);
  const report = check(layer({ at: { x: randn([4, 5]), w: randn([5, 3]) }, forward: broken, backward: (dout: T) => dout }));
  assert.equal(report.status, 'error');
  assert.match(report.summary, /called as broken\(x, w\)/);
  assert.match(report.summary, /expected back the output, \{ out, cache \} or \[out, cache\]/);
});
