// The adaptive derivative estimate along one line (a single element, or a direction through many).
// First a central difference at a step where truncation and round-off are both far below the tolerance: if
// the analytic value agrees outright, that settles it for 2 evaluations. Only undecided lines pay for the
// Richardson ladder (6 more), which gives a real error estimate and the one-sided slopes that tell a kink.
// A direction starts on the ladder's two largest steps (4 evaluations), and takes the third only when those
// two cannot pass it as sharply as the whole ladder would.

import { centralDifference, richardson3, roundoff, type Extrapolation } from './differences';
import type { Precision } from './precision';

/** Moving along one line: evaluate the k objectives at x + delta·(line), then move back exactly. */
export interface Line {
  /** Writes the objective values into `out`; returns the step actually taken (float32 rounds it). */
  evaluate(delta: number, out: Float64Array): number;
}

export interface ProbeSetup {
  /** Number of objectives (one per upstream gradient for layers). */
  k: number;
  /** Objective values at x. */
  f0: Float64Array;
  /** Magnitude of each objective's terms, for its round-off (|f| for a loss, Σ|out·dout| for a layer). */
  magnitude: Float64Array;
  /** Gradient scale G of each objective. */
  scale: Float64Array;
  precision: Precision;
}

/** What agreeing outright means on this line: rtol·max(|a|,|n|) + floor·G for an element. */
export type OutrightAllowance = (objective: number, analytic: number, numeric: number) => number;

export class ProbeResult {
  readonly numeric: Float64Array;
  readonly errEst: Float64Array;
  readonly kink: Uint8Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  evaluations = 0;
  /** 0: decided by the first difference (or a direction's first two steps); 1: went up the whole Richardson ladder. */
  level = 0;
  constructor(k: number) {
    this.numeric = new Float64Array(k);
    this.errEst = new Float64Array(k);
    this.kink = new Uint8Array(k);
    this.lo = new Float64Array(k);
    this.hi = new Float64Array(k);
  }
}

/** Scratch buffers reused across lines: a full check probes every element, so nothing is allocated per element. */
export class Prober {
  private readonly plus: Float64Array[];
  private readonly minus: Float64Array[];
  private readonly hp = new Float64Array(3);
  private readonly hm = new Float64Array(3);

  constructor(private readonly setup: ProbeSetup) {
    this.plus = [0, 1, 2].map(() => new Float64Array(setup.k));
    this.minus = [0, 1, 2].map(() => new Float64Array(setup.k));
  }

  /** An element's derivative: the first difference when it agrees outright, the ladder otherwise. */
  probe(line: Line, analytic: Float64Array, unit: number, outright: OutrightAllowance, out: ProbeResult): ProbeResult {
    const { k, f0, magnitude, precision } = this.setup;
    const eps = precision.eps;
    out.evaluations = 0;
    out.level = 0;

    const h = precision.firstStep * unit;
    const hp = line.evaluate(h, this.plus[0]);
    const hm = -line.evaluate(-h, this.minus[0]);
    out.evaluations += 2;
    let decided = hp > 0 && hm > 0;
    let analyticFinite = true;
    for (let j = 0; j < k; j++) {
      const n = centralDifference(this.plus[0][j], f0[j], this.minus[0][j], hp, hm);
      out.numeric[j] = n;
      out.errEst[j] = roundoff(eps, magnitude[j], Math.min(hp, hm));
      out.kink[j] = 0;
      out.lo[j] = NaN;
      out.hi[j] = NaN;
      const a = analytic[j];
      if (!Number.isFinite(a)) analyticFinite = false;
      if (!(Math.abs(a - n) <= outright(j, a, n))) decided = false;
    }
    // A non-finite analytic value fails whatever the numeric one is: more evaluations would not change that.
    if (decided || !analyticFinite) return out;
    return this.ladder(line, unit, out);
  }

  /**
   * A direction's derivative: the ladder's two largest steps first (4 evaluations). Their estimate stands when
   * its error estimate is no larger than the round-off the whole ladder would carry (so it is at least as sharp)
   * and `passes` accepts it; anything else (a deviation, a kink, too much truncation) takes the third step and
   * is judged on the whole ladder, exactly as if it had been climbed at once.
   */
  probeDirection(line: Line, unit: number, out: ProbeResult, passes: (first: ProbeResult) => boolean): ProbeResult {
    out.evaluations = 0;
    out.level = 0;
    const top = this.setup.precision.ladderStep * unit;
    this.takeSteps(line, top, 0, 2, out);
    if (this.twoStepEstimate(out) && passes(out)) return out;
    return this.ladder(line, unit, out, 2);
  }

  /** Central differences at steps top/2^from … top/2^(to−1), both ways (the ladder's levels). */
  private takeSteps(line: Line, top: number, from: number, to: number, out: ProbeResult): void {
    for (let l = from; l < to; l++) {
      const step = top / 2 ** l; // h, h/2, h/4
      this.hp[l] = line.evaluate(step, this.plus[l]);
      this.hm[l] = -line.evaluate(-step, this.minus[l]);
    }
    out.evaluations += 2 * (to - from);
  }

  /**
   * Richardson on the first two levels (error series in h²). Returns whether every objective's error estimate
   * is within the round-off the whole ladder would carry: only then can the estimate decide.
   */
  private twoStepEstimate(out: ProbeResult): boolean {
    const { k, f0, magnitude, precision } = this.setup;
    const eps = precision.eps;
    let sharp = true;
    for (let j = 0; j < k; j++) {
      const d0 = centralDifference(this.plus[0][j], f0[j], this.minus[0][j], this.hp[0], this.hm[0]);
      const d1 = centralDifference(this.plus[1][j], f0[j], this.minus[1][j], this.hp[1], this.hm[1]);
      const r = richardson2(d0, d1);
      const noise = roundoff(eps, magnitude[j], Math.min(this.hp[1], this.hm[1]));
      out.numeric[j] = r.value;
      out.errEst[j] = r.truncation + r.roundoffGain * noise;
      out.kink[j] = 0;
      out.lo[j] = NaN;
      out.hi[j] = NaN;
      // The ladder's error estimate is at least richardson3's gain on the round-off at h/4, twice that at h/2.
      const ladderRoundoff = LADDER_ROUNDOFF_GAIN * 2 * noise;
      if (!(out.errEst[j] <= ladderRoundoff)) sharp = false;
    }
    return sharp;
  }

  /** The Richardson ladder h, h/2, h/4 (levels before `from` already taken): an error estimate, and the one-sided slopes that tell a kink. */
  private ladder(line: Line, unit: number, out: ProbeResult, from = 0): ProbeResult {
    const { k, f0, magnitude, precision } = this.setup;
    const eps = precision.eps;
    out.level = 1;
    this.takeSteps(line, precision.ladderStep * unit, from, 3, out);
    for (let j = 0; j < k; j++) {
      const d = [0, 1, 2].map((l) => centralDifference(this.plus[l][j], f0[j], this.minus[l][j], this.hp[l], this.hm[l]));
      const noise = roundoff(eps, magnitude[j], Math.min(this.hp[2], this.hm[2]));
      const r = richardson3(d[0], d[1], d[2], noise);
      out.numeric[j] = r.value;
      out.errEst[j] = r.truncation + r.roundoffGain * noise;
      let lo = Infinity;
      let hi = -Infinity;
      const fwd = [0, 0, 0];
      const bwd = [0, 0, 0];
      for (let l = 0; l < 3; l++) {
        fwd[l] = (this.plus[l][j] - f0[j]) / this.hp[l];
        bwd[l] = (f0[j] - this.minus[l][j]) / this.hm[l];
        lo = Math.min(lo, fwd[l], bwd[l]);
        hi = Math.max(hi, fwd[l], bwd[l]);
      }
      // Smooth: the one-sided slopes' disagreement Δ(h) ≈ h·f'' halves with the step, 4× from h to h/4. A kink
      // at the point keeps a jump J that does not shrink: Δ(h) ≈ J + h·f''. Kinks crossed only by the larger
      // steps (other ReLU units near zero) inflate Δ(h) and hide the 4× test, so the two smallest steps are also
      // compared: Δ(h/4) − Δ(h/2)/2 is J/2 at a kink and ~0 when smooth.
      const d0 = fwd[0] - bwd[0];
      const d1 = fwd[1] - bwd[1];
      const d2 = fwd[2] - bwd[2];
      const small = Math.abs(d2);
      const large = Math.abs(d0);
      const nonSmooth = small > 0.3 * large || Math.abs(d2 - d1 / 2) > 0.25 * small;
      // Above round-off, and a real share of the slopes themselves (a ReLU whose upstream gradient is tiny
      // still has a kink of its own size, however small next to the whole gradient's scale).
      const sideScale = Math.max(Math.abs(fwd[2]), Math.abs(bwd[2]));
      const kink = nonSmooth && small > 10 * noise && small > 1e-3 * sideScale;
      out.kink[j] = kink ? 1 : 0;
      // The one-sided slopes at finite steps are off by h·f''/2 from the one-sided derivatives a subgradient is
      // compared with (a ReLU code's value is exactly one of them): extrapolate each side (first-order series)
      // and widen the range by what the extrapolation moved, so a value equal to a one-sided derivative is inside.
      const fExt = oneSidedLimit(fwd);
      const bExt = oneSidedLimit(bwd);
      const widen = Math.max(Math.abs(fExt - fwd[2]), Math.abs(bExt - bwd[2])) + noise;
      out.lo[j] = Math.min(lo, fExt, bExt) - widen;
      out.hi[j] = Math.max(hi, fExt, bExt) + widen;
    }
    return out;
  }
}

/** richardson3's multiplier of the smallest step's round-off. */
const LADDER_ROUNDOFF_GAIN = richardson3(0, 0, 0).roundoffGain;

/**
 * Richardson on central differences at h and h/2: (4·D2 − D1)/3. Its truncation is taken as |value − D2|, the
 * error of the plain difference it improves on (conservative, as in richardson3).
 */
export function richardson2(d1: number, d2: number): Extrapolation {
  const value = d2 + (d2 - d1) / 3;
  // Round-off of D1 is half of D2's.
  return { value, truncation: Math.abs(value - d2), roundoffGain: (4 + 0.5) / 3 };
}

/** Richardson on one-sided slopes at h, h/2, h/4 (error series in h, h²): the one-sided derivative's estimate. */
function oneSidedLimit(d: number[]): number {
  const r1 = 2 * d[1] - d[0];
  const r2 = 2 * d[2] - d[1];
  return (4 * r2 - r1) / 3;
}
