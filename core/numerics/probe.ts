// The adaptive derivative estimate along one line (a single element, or a direction through many).
// First a central difference at a step where truncation and round-off are both far below the tolerance: if
// the analytic value agrees outright, that settles it for 2 evaluations. Only undecided lines pay for the
// Richardson ladder (6 more), which gives a real error estimate and the one-sided slopes that tell a kink.

import { centralDifference, richardson3, roundoff } from './differences';
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
  /** 0: decided by the first difference; 1: went up the Richardson ladder. */
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

  /**
   * `ladderOnly` skips the first difference: for directions, whose tolerance is the numeric error itself, a
   * single difference has no error estimate to be decisive with.
   */
  probe(line: Line, analytic: Float64Array, unit: number, outright: OutrightAllowance, out: ProbeResult, ladderOnly = false): ProbeResult {
    const { k, f0, magnitude, precision } = this.setup;
    const eps = precision.eps;
    out.evaluations = 0;
    out.level = 0;
    if (ladderOnly) return this.ladder(line, unit, out);

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

  /** The Richardson ladder h, h/2, h/4: an error estimate, and the one-sided slopes that tell a kink. */
  private ladder(line: Line, unit: number, out: ProbeResult): ProbeResult {
    const { k, f0, magnitude, precision } = this.setup;
    const eps = precision.eps;
    out.level = 1;
    const top = precision.ladderStep * unit;
    for (let l = 0; l < 3; l++) {
      const step = top / 2 ** l; // h, h/2, h/4
      this.hp[l] = line.evaluate(step, this.plus[l]);
      this.hm[l] = -line.evaluate(-step, this.minus[l]);
    }
    out.evaluations += 6;
    for (let j = 0; j < k; j++) {
      const d = [0, 1, 2].map((l) => centralDifference(this.plus[l][j], f0[j], this.minus[l][j], this.hp[l], this.hm[l]));
      const r = richardson3(d[0], d[1], d[2]);
      const noise = roundoff(eps, magnitude[j], Math.min(this.hp[2], this.hm[2]));
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

/** Richardson on one-sided slopes at h, h/2, h/4 (error series in h, h²): the one-sided derivative's estimate. */
function oneSidedLimit(d: number[]): number {
  const r1 = 2 * d[1] - d[0];
  const r2 = 2 * d[2] - d[1];
  return (4 * r2 - r1) / 3;
}
