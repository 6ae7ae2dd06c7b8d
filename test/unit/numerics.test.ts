// The numerical core: difference formulas, the adaptive probe (steps, error bounds, kinks), the pass rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centralDifference, richardson3, roundoff } from '../../core/numerics/differences';
import { precisionFor } from '../../core/numerics/precision';
import { Prober, ProbeResult, richardson2, type Line } from '../../core/numerics/probe';
import { allowance, judge, worseState } from '../../core/numerics/verdict';

/** A scalar function as a Line at x (float64 or rounded to float32 like a Float32Array would). */
function lineOf(f: (x: number) => number, x: number, float32 = false): Line & { calls: number } {
  const round = float32 ? Math.fround : (v: number) => v;
  const line = {
    calls: 0,
    evaluate(delta: number, out: Float64Array) {
      line.calls++;
      const xp = round(x + delta);
      out[0] = round(f(xp));
      return xp - x;
    },
  };
  return line;
}

function probeScalar(f: (x: number) => number, x: number, analytic: number, opts: { float32?: boolean; unit?: number } = {}) {
  const precision = precisionFor(opts.float32 ? 'float32' : 'float64');
  const f0 = Float64Array.of(opts.float32 ? Math.fround(f(x)) : f(x));
  const prober = new Prober({ k: 1, f0, magnitude: Float64Array.of(Math.abs(f0[0])), scale: Float64Array.of(Math.abs(analytic)), precision });
  const tol = precision.tolerance;
  const line = lineOf(f, x, opts.float32);
  const out = new ProbeResult(1);
  prober.probe(
    line,
    Float64Array.of(analytic),
    opts.unit ?? Math.max(Math.abs(x), 1),
    (_j, a, n) => tol.rtol * Math.max(Math.abs(a), Math.abs(n)) + tol.floor * Math.abs(analytic),
    out,
  );
  const verdict = judge(
    { analytic, numeric: out.numeric[0], errEst: out.errEst[0], kink: out.kink[0] === 1, lo: out.lo[0], hi: out.hi[0] },
    Math.abs(analytic),
    tol,
  );
  return {
    numeric: out.numeric[0],
    errEst: out.errEst[0],
    kink: out.kink[0] === 1,
    level: out.level,
    evaluations: out.evaluations,
    calls: line.calls,
    verdict,
  };
}

test('central difference is exact for quadratics, with equal and unequal steps', () => {
  const f = (x: number) => 3 * x * x - 2 * x + 1;
  const x = 0.7;
  assert.ok(Math.abs(centralDifference(f(x + 0.1), f(x), f(x - 0.1), 0.1, 0.1) - (6 * x - 2)) < 1e-12);
  assert.ok(Math.abs(centralDifference(f(x + 0.1), f(x), f(x - 0.03), 0.1, 0.03) - (6 * x - 2)) < 1e-12);
});

test('Richardson with three levels removes the h² and h⁴ terms', () => {
  const d = (h: number) => (Math.sin(1 + h) - Math.sin(1 - h)) / (2 * h);
  const h = 0.1;
  const r = richardson3(d(h), d(h / 2), d(h / 4));
  const truth = Math.cos(1);
  assert.ok(Math.abs(d(h / 4) - truth) > 1e-5, 'plain central difference is far off at this step');
  assert.ok(Math.abs(r.value - truth) < 1e-10, `extrapolated ${r.value} vs ${truth}`);
  assert.ok(r.truncation >= Math.abs(r.value - truth) * 0.1, 'the truncation estimate is of the size of the real error');
});

test('round-off grows as the step shrinks', () => {
  assert.ok(roundoff(2 ** -52, 1, 1e-6) > 100 * roundoff(2 ** -52, 1, 1e-4) * 0.99);
});

test('known derivatives are found within their error estimate, and a correct gradient passes', () => {
  const cases: [string, (x: number) => number, (x: number) => number, number][] = [
    ['exp', Math.exp, Math.exp, 0.3],
    ['sin', Math.sin, Math.cos, 2.1],
    ['log', Math.log, (x) => 1 / x, 5],
    ['tanh', Math.tanh, (x) => 1 - Math.tanh(x) ** 2, -0.8],
    ['x^5', (x) => x ** 5, (x) => 5 * x ** 4, 1.7],
    ['1/(1+x²)', (x) => 1 / (1 + x * x), (x) => (-2 * x) / (1 + x * x) ** 2, 0.4],
  ];
  for (const [name, f, df, x] of cases) {
    const r = probeScalar(f, x, df(x));
    assert.equal(r.verdict.state, 'pass', `${name}: ${JSON.stringify(r)}`);
    assert.ok(Math.abs(r.numeric - df(x)) <= Math.max(r.errEst * 10, 1e-7 * Math.abs(df(x))), `${name}: numeric ${r.numeric} vs ${df(x)} (err ${r.errEst})`);
  }
});

test('a decisive first difference costs 2 evaluations; an undecided one climbs the ladder (8) with an error estimate', () => {
  const easy = probeScalar(Math.exp, 0.3, Math.exp(0.3));
  assert.equal(easy.level, 0);
  assert.equal(easy.evaluations, 2);
  assert.equal(easy.calls, 2);
  const wrong = probeScalar(Math.exp, 0.3, 1.01 * Math.exp(0.3));
  assert.equal(wrong.level, 1);
  assert.equal(wrong.evaluations, 8);
  assert.ok(wrong.errEst > 0 && wrong.errEst < 1e-9, `error estimate ${wrong.errEst}`);
  assert.equal(wrong.verdict.state, 'fail');
  assert.ok(wrong.verdict.margin > 1000);
});

test('the error estimate bounds the real error of the extrapolated value', () => {
  // Functions with strong higher derivatives, where a fixed small step would be wrong or noisy.
  const cases: [(x: number) => number, (x: number) => number, number][] = [
    [(x) => Math.exp(10 * x), (x) => 10 * Math.exp(10 * x), 0.2],
    [(x) => Math.sin(50 * x), (x) => 50 * Math.cos(50 * x), 0.3],
    [(x) => 1e6 + Math.sin(x), Math.cos, 0.5], // large value, small slope: round-off dominated
  ];
  for (const [f, df, x] of cases) {
    // Force the ladder by giving a wrong analytic value; then compare its numeric to the truth.
    const r = probeScalar(f, x, df(x) * 1.5 + 1);
    const actual = Math.abs(r.numeric - df(x));
    assert.ok(actual <= 10 * r.errEst + 1e-7 * Math.abs(df(x)), `actual ${actual} vs estimate ${r.errEst}`);
  }
});

test('scale: gradients of size 1e-12 and 1e8 pass when right and fail when off by 1e-6 relative', () => {
  for (const scale of [1e-12, 1e-6, 1, 1e8]) {
    const f = (x: number) => scale * Math.exp(x);
    const x = 0.4;
    const right = probeScalar(f, x, scale * Math.exp(x));
    assert.equal(right.verdict.state, 'pass', `scale ${scale}`);
    const wrong = probeScalar(f, x, scale * Math.exp(x) * (1 + 2e-6));
    assert.equal(wrong.verdict.state, 'fail', `scale ${scale}: ${JSON.stringify(wrong)}`);
  }
});

test('the step follows the value: x = 1e6 and x = 1e-8 both work', () => {
  const a = probeScalar((x) => Math.log(x), 1e6, 1e-6, { unit: 1e6 });
  assert.equal(a.verdict.state, 'pass');
  const b = probeScalar((x) => x * x + x, 1e-8, 2e-8 + 1, { unit: 1e-8 });
  assert.equal(b.verdict.state, 'pass');
});

test('kinks: |x| and ReLU at 0 are kinks, and a valid subgradient is a kink warning, not a failure', () => {
  const relu = (x: number) => Math.max(0, x);
  for (const analytic of [0, 1]) {
    const r = probeScalar(relu, 0, analytic);
    assert.ok(r.kink, `ReLU at 0 with analytic ${analytic}`);
    assert.equal(r.verdict.state, 'kink');
  }
  // The symmetric difference at a kink is the mean of the one-sided slopes: that subgradient passes outright.
  assert.equal(probeScalar(relu, 0, 0.5).verdict.state, 'pass');
  const abs = probeScalar(Math.abs, 0, 1);
  assert.equal(abs.verdict.state, 'kink');
  // Outside the one-sided slopes it is a bug, kink or not.
  assert.equal(probeScalar(relu, 0, 2).verdict.state, 'fail');
  assert.equal(probeScalar(relu, 0, -1).verdict.state, 'fail');
});

test('smooth functions are not taken for kinks, even with large curvature', () => {
  for (const [f, df, x] of [
    [(x: number) => x * x * 1e3, (x: number) => 2e3 * x, 1e-3],
    [(x: number) => Math.cosh(20 * x), (x: number) => 20 * Math.sinh(20 * x), 0.01],
  ] as const) {
    const r = probeScalar(f, x, df(x) * 1.3 + 0.1);
    assert.equal(r.kink, false);
    assert.equal(r.verdict.state, 'fail');
  }
});

test('float32 code gets float32 steps and tolerances: right passes, a 1% error fails', () => {
  const f = (x: number) => Math.fround(Math.tanh(Math.fround(x)) * 3);
  const x = Math.fround(0.37);
  const df = 3 * (1 - Math.tanh(x) ** 2);
  assert.equal(probeScalar(f, x, df, { float32: true }).verdict.state, 'pass');
  assert.equal(probeScalar(f, x, df * 1.01, { float32: true }).verdict.state, 'fail');
  // A 0.01% error is below what float32 resolves at its tolerance (rtol 1e-3): it passes.
  assert.equal(probeScalar(f, x, df * 1.0001, { float32: true }).verdict.state, 'pass');
});

/** A direction's probe of f at x (float64), with `passes` standing in for the direction rule. */
function probeDirectionScalar(f: (x: number) => number, x: number, passes: (first: ProbeResult) => boolean, unit = 1) {
  const precision = precisionFor('float64');
  const f0 = Float64Array.of(f(x));
  const prober = new Prober({ k: 1, f0, magnitude: Float64Array.of(Math.abs(f0[0])), scale: Float64Array.of(1), precision });
  const line = lineOf(f, x);
  const out = new ProbeResult(1);
  let asked = 0;
  prober.probeDirection(line, unit, out, (first) => {
    asked++;
    return passes(first);
  });
  return { numeric: out.numeric[0], errEst: out.errEst[0], kink: out.kink[0] === 1, level: out.level, evaluations: out.evaluations, calls: line.calls, asked };
}

test('Richardson with two levels removes the h² term; its truncation estimate is the plain difference’s error', () => {
  const d = (h: number) => (Math.sin(1 + h) - Math.sin(1 - h)) / (2 * h);
  const r = richardson2(d(0.01), d(0.005));
  const truth = Math.cos(1);
  assert.ok(Math.abs(r.value - truth) < 1e-9, `extrapolated ${r.value} vs ${truth}`);
  assert.ok(r.truncation >= Math.abs(r.value - truth), 'the estimate bounds the extrapolated value’s error');
  assert.ok(r.truncation >= 0.5 * Math.abs(d(0.005) - truth), 'and is of the size of the plain difference’s error');
});

test('a direction settles on its first two steps (4 evaluations) only when they pass as sharply as the whole ladder', () => {
  // A direction's step is the smallest its round-off allows (here h ≈ 1e-5), where truncation is tiny. Smooth, and
  // accepted: 4 evaluations, the value within its estimate.
  const unit = 1e-5 / precisionFor('float64').ladderStep;
  const smooth = probeDirectionScalar(Math.sin, 0.7, () => true, unit);
  assert.equal(smooth.evaluations, 4);
  assert.equal(smooth.calls, 4);
  assert.equal(smooth.level, 0);
  assert.ok(Math.abs(smooth.numeric - Math.cos(0.7)) <= 10 * smooth.errEst, JSON.stringify(smooth));
  // Not accepted by the direction rule: the third step, and the very numbers of the whole ladder (an element's
  // probe with a wrong analytic value climbs the same ladder at the same unit).
  const rejected = probeDirectionScalar(Math.sin, 0.7, () => false, unit);
  assert.equal(rejected.evaluations, 6);
  assert.equal(rejected.calls, 6);
  assert.equal(rejected.level, 1);
  const ladder = probeScalar(Math.sin, 0.7, 2, { unit });
  assert.equal(ladder.level, 1);
  assert.equal(rejected.numeric, ladder.numeric);
  assert.equal(rejected.errEst, ladder.errEst);
  // At a large step, truncation leaves the two steps short of the ladder's sharpness: the rule is not even asked.
  const coarse = probeDirectionScalar(Math.sin, 0.7, () => true);
  assert.equal(coarse.asked, 0);
  assert.equal(coarse.evaluations, 6);
  // A ReLU kink crossed by the steps (not at the point) leaves the two steps disagreeing: the rule is not even
  // asked, and the ladder's slopes tell the kink.
  const h = precisionFor('float64').ladderStep;
  const kinked = probeDirectionScalar(
    (x) => Math.max(0, x),
    -0.1 * h,
    () => true,
  );
  assert.equal(kinked.asked, 0);
  assert.equal(kinked.evaluations, 6);
  assert.ok(kinked.kink, JSON.stringify(kinked));
});

test('the pass rule', () => {
  const tol = { rtol: 1e-7, floor: 1e-10, c: 10 };
  assert.equal(allowance(1, 1, 0, 0, tol), 1e-7);
  assert.equal(judge({ analytic: NaN, numeric: 1, errEst: 0, kink: false, lo: NaN, hi: NaN }, 1, tol).state, 'nonfinite');
  assert.equal(judge({ analytic: 1, numeric: NaN, errEst: 0, kink: false, lo: NaN, hi: NaN }, 1, tol).state, 'unchecked');
  // A numeric error estimate widens the allowance.
  assert.equal(judge({ analytic: 1, numeric: 1 + 1e-5, errEst: 2e-6, kink: false, lo: NaN, hi: NaN }, 1, tol).state, 'pass');
  assert.equal(judge({ analytic: 1, numeric: 1 + 1e-5, errEst: 0, kink: false, lo: NaN, hi: NaN }, 1, tol).state, 'fail');
  // The floor is relative to the gradient's scale G, never a fixed absolute tolerance.
  assert.equal(judge({ analytic: 0, numeric: 1e-9, errEst: 0, kink: false, lo: NaN, hi: NaN }, 1e3, tol).state, 'pass');
  assert.equal(judge({ analytic: 0, numeric: 1e-9, errEst: 0, kink: false, lo: NaN, hi: NaN }, 1, tol).state, 'fail');
  assert.equal(worseState('kink', 'fail'), 'fail');
  assert.equal(worseState('nonfinite', 'pass'), 'nonfinite');
});

test('richardson3 at a C¹ point: a first-order series is extrapolated as one, with an honest error', () => {
  // Huber (δ = 1) at r = 1: f'' jumps from 1 to 0, so D(h) = 1 − h/4 + O(h²) (no h² series).
  const huber = (r: number) => (Math.abs(r) <= 1 ? 0.5 * r * r : Math.abs(r) - 0.5);
  const h = 1e-3;
  const d = (s: number) => centralDifference(huber(1 + s), huber(1), huber(1 - s), s, s);
  const noise = roundoff(2 ** -52, 1, h / 4);
  const r = richardson3(d(h), d(h / 2), d(h / 4), noise);
  assert.ok(Math.abs(r.value - 1) <= r.truncation, `${r.value} ± ${r.truncation}`);
  // The h² extrapolation there, (64·D3 − 20·D2 + D1)/45, is off by ~0.16·C·h: far more than the h² error estimate.
  const h2 = (64 * d(h / 4) - 20 * d(h / 2) + d(h)) / 45;
  assert.ok(Math.abs(h2 - 1) > 1e-5, `${h2}`);
  // A smooth function keeps the h² extrapolation and its tiny estimate.
  const smooth = (s: number) => centralDifference(Math.sin(0.3 + s), Math.sin(0.3), Math.sin(0.3 - s), s, s);
  const s = richardson3(smooth(h), smooth(h / 2), smooth(h / 4), noise);
  assert.ok(Math.abs(s.value - Math.cos(0.3)) < 1e-12 && s.truncation < 1e-12);
});
