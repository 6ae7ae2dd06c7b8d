// The pass rule, applied to raw numbers. The worker uses it to decide which elements need more evaluations;
// the trusted parent applies it again to the raw numbers it receives, so verdicts never depend on the child.

import type { ElementState, Tolerance } from '../report/types';

/** What the finite differences said about one element, for one objective. */
export interface Sample {
  analytic: number;
  numeric: number;
  /** Estimated error of `numeric`. */
  errEst: number;
  /** Whether one-sided slopes disagreed the way a kink makes them (not shrinking with the step). */
  kink: boolean;
  /** Range of the one-sided slopes seen (NaN when only the first difference was taken). */
  lo: number;
  hi: number;
}

export interface Judgement {
  state: ElementState;
  tolerance: number;
  /** |a − n| / tolerance (> 1 fails). */
  margin: number;
}

export function allowance(analytic: number, numeric: number, errEst: number, scale: number, tol: Tolerance): number {
  return tol.c * errEst + tol.rtol * Math.max(Math.abs(analytic), Math.abs(numeric)) + tol.floor * scale;
}

/** Passing without any error allowance: the first difference alone is decisive. */
export function agreesOutright(analytic: number, numeric: number, scale: number, tol: Tolerance): boolean {
  return Math.abs(analytic - numeric) <= tol.rtol * Math.max(Math.abs(analytic), Math.abs(numeric)) + tol.floor * scale;
}

export function judge(s: Sample, scale: number, tol: Tolerance): Judgement {
  if (!Number.isFinite(s.analytic)) return { state: 'nonfinite', tolerance: NaN, margin: Infinity };
  if (!Number.isFinite(s.numeric)) return { state: 'unchecked', tolerance: NaN, margin: NaN };
  const tolerance = allowance(s.analytic, s.numeric, s.errEst, scale, tol);
  const diff = Math.abs(s.analytic - s.numeric);
  const margin = tolerance > 0 ? diff / tolerance : diff > 0 ? Infinity : 0;
  if (diff <= tolerance) return { state: 'pass', tolerance, margin };
  if (s.kink && Number.isFinite(s.lo) && Number.isFinite(s.hi)) {
    // At a kink any value between the one-sided slopes is a valid subgradient.
    const slack = tol.c * s.errEst + tol.rtol * Math.max(Math.abs(s.lo), Math.abs(s.hi)) + tol.floor * scale;
    // Inside the interval the mismatch is expected: its margin is 0.
    if (s.analytic >= s.lo - slack && s.analytic <= s.hi + slack) return { state: 'kink', tolerance, margin: 0 };
  }
  return { state: 'fail', tolerance, margin };
}

const SEVERITY: Record<ElementState, number> = { pass: 0, unchecked: 1, kink: 2, fail: 3, nonfinite: 4 };

/** The worse of two states (an element is as bad as its worst objective). */
export function worseState(a: ElementState, b: ElementState): ElementState {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** Per-element tolerances summed along a direction u: rtol·max(Σ|a_i·u_i|, |n|) + floor·G·Σ|u_i|. */
export function directionOutright(absDot: number, numeric: number, absSum: number, scale: number, tol: Tolerance): number {
  return tol.rtol * Math.max(absDot, Math.abs(numeric)) + tol.floor * scale * absSum;
}

/** A direction passes when u·a matches the numerical derivative along u within its error and tolerance. */
export function directionPasses(analytic: number, numeric: number, errEst: number, absDot: number, absSum: number, scale: number, tol: Tolerance): boolean {
  if (!Number.isFinite(analytic) || !Number.isFinite(numeric)) return false;
  return Math.abs(analytic - numeric) <= tol.c * errEst + directionOutright(absDot, numeric, absSum, scale, tol);
}
