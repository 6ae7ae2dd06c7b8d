// Directional derivatives through many elements at once: u·a (analytic) against the numerical derivative of the
// objective along u. u has a seeded random sign per element, scaled by the element's step unit, and the signs of
// a tensor are fixed per round, so a block's direction is the restriction of its tensor's direction: the search
// narrows a failing direction to halves of the same direction.

import { mixSeeds, Rng } from '../contract/random';
import type { Line } from '../numerics/probe';
import { Prober, ProbeResult } from '../numerics/probe';
import { DIRECTION_SEVERITY, judgeDirection, type DirectionState } from '../numerics/verdict';
import type { Problem } from './problem';
import type { Param } from './params';
import type { RawDirection } from './raw';

/** A contiguous run of one tensor's elements. */
export interface Segment {
  tensor: number;
  from: number;
  to: number;
}

export function segmentSize(segments: Segment[]): number {
  return segments.reduce((a, g) => a + g.to - g.from, 0);
}

/** Relative error of one element that a direction must resolve (sets the round-off target and the step). */
export const RESOLVE = 1e-3;
/** Richardson's gain on the smallest step's round-off, and the factor by which the step shrinks at a kink. */
const ROUNDOFF_GAIN = 1.6;
const KINK_RETRY_SHRINK = 16;
/** Measured round-off is taken this many times over (it is estimated from two second differences). */
const NOISE_SAFETY = 3;

/** Seeded random signs, one bit per element, per tensor and round (generated on first use). */
export class SignBook {
  private readonly bits = new Map<string, Uint32Array>();
  constructor(
    private readonly seed: number,
    private readonly params: Param[],
  ) {}

  words(tensor: number, round: number): Uint32Array {
    const key = `${tensor}/${round}`;
    let w = this.bits.get(key);
    if (!w) {
      const rng = new Rng(mixSeeds(this.seed, 'direction', this.params[tensor].path, round));
      w = new Uint32Array(Math.ceil(this.params[tensor].slot.size / 32));
      for (let i = 0; i < w.length; i++) w[i] = rng.nextUint32();
      this.bits.set(key, w);
    }
    return w;
  }
}

/** Moves every element of the segments by delta·u_i (u laid out segment after segment), then back exactly. */
class DirectionLine implements Line {
  private readonly orig: Float64Array;
  constructor(
    private readonly problem: Problem,
    private readonly segments: Segment[],
    private readonly u: Float64Array,
  ) {
    this.orig = new Float64Array(u.length);
    let e = 0;
    for (const g of segments) {
      const slot = problem.params[g.tensor].slot;
      for (let i = g.from; i < g.to; i++) this.orig[e++] = slot.get(i);
    }
  }
  evaluate(delta: number, out: Float64Array): number {
    const { segments, u, orig, problem } = this;
    try {
      let e = 0;
      for (const g of segments) {
        const slot = problem.params[g.tensor].slot;
        for (let i = g.from; i < g.to; i++, e++) slot.set(i, orig[e] + delta * u[e]);
      }
      problem.evaluate(out);
    } finally {
      let e = 0;
      for (const g of segments) {
        const slot = problem.params[g.tensor].slot;
        for (let i = g.from; i < g.to; i++, e++) slot.set(i, orig[e]);
      }
    }
    return delta;
  }
}

export interface MeasuredDirection {
  raw: RawDirection;
  state: DirectionState;
  /** Largest |deviation| / noise tolerance over the objectives. */
  margin: number;
}

export class DirectionProber {
  readonly signs: SignBook;
  private prober?: Prober;
  private readonly result: ProbeResult;
  /** Round-off of one evaluation per objective, measured on the first direction (absolute). */
  private noise?: Float64Array;

  constructor(private readonly problem: Problem) {
    this.signs = new SignBook(problem.options.seed, problem.params);
    this.result = new ProbeResult(problem.k);
  }

  /** Measures u·a against the numerical derivative along u (round `round` of the tensors' signs). */
  measure(segments: Segment[], round: number, scope: string, extra: Partial<RawDirection>): MeasuredDirection {
    const { problem } = this;
    const k = problem.k;
    const n = segmentSize(segments);
    const u = new Float64Array(n);
    const analytic = new Float64Array(k);
    const l1 = new Float64Array(k);
    const l2 = new Float64Array(k);
    let u2 = 0;
    let e = 0;
    for (const g of segments) {
      const p = problem.params[g.tensor];
      const units = p.units;
      const words = this.signs.words(g.tensor, round);
      const start = e;
      for (let i = g.from; i < g.to; i++, e++) {
        const ue = (words[i >>> 5] >>> (i & 31)) & 1 ? units[i] : -units[i];
        u[e] = ue;
        u2 += ue * ue;
      }
      for (let j = 0; j < k; j++) {
        const a = p.analytic![j];
        let dot = 0;
        let abs = 0;
        let sq = 0;
        for (let i = g.from, x = start; i < g.to; i++, x++) {
          const q = a[i] * u[x];
          dot += q;
          abs += Math.abs(q);
          sq += q * q;
        }
        analytic[j] += dot;
        l1[j] += abs;
        l2[j] += sq;
      }
    }
    for (let j = 0; j < k; j++) l2[j] = Math.sqrt(l2[j]);
    u2 = Math.sqrt(u2);
    const target = Array.from(l1, (v) => (RESOLVE * v) / Math.max(1, n));
    // The step resolves the target and also element errors of rtol all along the direction (a 1e-6 bug over a
    // whole tensor), where the round-off allows: the judgement then asks only for the target.
    const rtol = problem.options.precision.tolerance.rtol;
    const stepTarget = target.map((t, j) => Math.min(t, rtol * l2[j]) || t);

    const line = new DirectionLine(problem, segments, u);
    const prober = this.proberFor(line);
    // Two steps settle a direction that passes on them; any other outcome is judged on the whole ladder.
    const passes = (first: ProbeResult) => this.judge(analytic, first, l2, u2, target).state === 'pass';
    const probe = (step: number) => prober.probeDirection(line, step / problem.options.precision.ladderStep, this.result, passes);
    let step = this.step(stepTarget);
    let r = probe(step);
    let evaluations = r.evaluations;
    let judged = this.judge(analytic, r, l2, u2, target);
    // A step that crosses a kink (a ReLU unit near zero) says nothing about the gradient: once, a much smaller step.
    if ((judged.state === 'kink' || judged.state === 'inconclusive') && step / KINK_RETRY_SHRINK >= this.minStep()) {
      step /= KINK_RETRY_SHRINK;
      r = probe(step);
      evaluations += r.evaluations;
      judged = this.judge(analytic, r, l2, u2, target);
    }
    const raw: RawDirection = {
      scope,
      ...extra,
      elements: n,
      step,
      analytic: [...analytic],
      numeric: [...r.numeric],
      errEst: [...r.errEst],
      l2: [...l2],
      u2: Array(k).fill(u2),
      target,
      kink: [...r.kink],
      evaluations,
    };
    return { raw, state: judged.state, margin: judged.margin };
  }

  /**
   * The first direction measures the round-off of one evaluation: second differences at steps far too small for
   * curvature to show (±τ, ±2τ) are round-off alone. Long reductions (a loss summed over a million terms) carry
   * far more than a few eps of |f|, and the steps and tolerances of every direction follow what was measured.
   */
  private proberFor(line: DirectionLine): Prober {
    if (this.prober) return this.prober;
    const { problem } = this;
    const { k, f0 } = problem;
    const eps = problem.options.precision.eps;
    const tau = 1e3 * eps;
    const plus = [new Float64Array(k), new Float64Array(k)];
    const minus = [new Float64Array(k), new Float64Array(k)];
    line.evaluate(tau, plus[0]);
    line.evaluate(-tau, minus[0]);
    line.evaluate(2 * tau, plus[1]);
    line.evaluate(-2 * tau, minus[1]);
    this.noise = new Float64Array(k);
    const magnitude = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const s1 = Math.abs(plus[0][j] + minus[0][j] - 2 * f0[j]);
      const s2 = Math.abs(plus[1][j] + minus[1][j] - 2 * f0[j]);
      const measured = NOISE_SAFETY * (Number.isFinite(s1 + s2) ? Math.max(s1, s2) / 2 : 0);
      this.noise[j] = Math.max(4 * eps * problem.magnitude[j], measured);
      // The prober's round-off model is 4·eps·magnitude: an effective magnitude carries the measured noise.
      magnitude[j] = this.noise[j] / (4 * eps);
    }
    this.prober = new Prober({ k, f0, magnitude, scale: problem.scale, precision: problem.options.precision });
    return this.prober;
  }

  private judge(analytic: Float64Array, r: { numeric: Float64Array; errEst: Float64Array; kink: Uint8Array }, l2: Float64Array, u2: number, target: number[]) {
    const { problem } = this;
    const tol = problem.options.precision.tolerance;
    let state: DirectionState = 'pass';
    let margin = 0;
    for (let j = 0; j < problem.k; j++) {
      const v = judgeDirection(
        { analytic: analytic[j], numeric: r.numeric[j], errEst: r.errEst[j], kink: r.kink[j] === 1, l2: l2[j], u2, target: target[j] },
        problem.scale[j],
        tol,
        problem.options.precision.eps,
      );
      if (DIRECTION_SEVERITY[v.state] > DIRECTION_SEVERITY[state]) state = v.state;
      margin = Math.max(margin, v.margin);
    }
    return { state, margin };
  }

  private minStep(): number {
    return 1e4 * this.problem.options.precision.eps;
  }

  /**
   * The largest step of the direction's Richardson ladder, relative to the elements' units: the smallest step
   * whose measured round-off leaves the tolerance well under the target (so a direction through a million
   * elements crosses as few ReLU kinks as possible), never above the element ladder's step.
   */
  private step(target: number[]): number {
    const { problem } = this;
    const { ladderStep, tolerance } = problem.options.precision;
    let step = this.minStep();
    for (let j = 0; j < problem.k; j++) {
      if (!(target[j] > 0)) return ladderStep;
      // Round-off of the derivative at the smallest step (top/4) is noise/(top/4)·gain; c of it stays ≤ target/2.
      const needed = (2 * 4 * ROUNDOFF_GAIN * tolerance.c * this.noise![j]) / target[j];
      step = Math.max(step, needed);
    }
    return Math.min(ladderStep, step);
  }
}
