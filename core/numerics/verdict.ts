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

/** What a direction through many elements measured, for one objective. */
export interface DirectionSample {
  /** u·a: the analytic directional derivative. */
  analytic: number;
  numeric: number;
  /** Estimated error of `numeric` (Richardson truncation + round-off of the evaluations made). */
  errEst: number;
  kink: boolean;
  /** ‖a∘u‖₂: the size of the directional derivative that random signs give. */
  l2: number;
  /** ‖u‖₂. */
  u2: number;
  /** The deviation one typical element off by 0.1% would cause: what the direction must be able to resolve. */
  target: number;
}

/** 'inconclusive': the numbers are too noisy (or a kink too close) to resolve the target: narrowed further. */
export type DirectionState = 'pass' | 'fail' | 'within-rtol' | 'kink' | 'inconclusive';

/** How bad a direction's state is: the worst over its objectives decides it. */
export const DIRECTION_SEVERITY: Record<DirectionState, number> = { pass: 0, 'within-rtol': 1, inconclusive: 2, kink: 2, fail: 3 };

export interface DirectionJudgement {
  state: DirectionState;
  /** The noise tolerance: what the numbers themselves could be off by. */
  tolerance: number;
  /** |u·a − numeric| / tolerance. */
  margin: number;
}

/**
 * How far from the truth a random-sign sum of per-element errors e_i·u_i can be, in units of sqrt(Σ e_i²·u_i²):
 * the signs are independent of the errors, so the sum is sub-Gaussian; 6 leaves about 1e-9 for chance.
 */
export const SIGN_SUM_Z = 6;
/** The analytic gradient of correct code is off by at most this many units of round-off per element. */
export const ANALYTIC_ROUNDOFF = 1e3;

/**
 * The direction rule. Its tolerance is the error of the numbers actually compared — the numeric derivative's
 * estimated error, and the round-off that correct analytic elements carry, summed with random signs — so it
 * does not grow with the number of elements the direction moves: one wrong element stands out of a million.
 * A deviation beyond that noise but small enough to be element errors each within rtol (summed with random
 * signs) is 'within-rtol': it sends the search on to elements, where rtol decides, but it fails nothing.
 */
export function judgeDirection(s: DirectionSample, scale: number, tol: Tolerance, eps: number): DirectionJudgement {
  const noise = tol.c * s.errEst + SIGN_SUM_Z * (ANALYTIC_ROUNDOFF * eps * s.l2 + tol.floor * scale * s.u2);
  if (!Number.isFinite(s.analytic) || !Number.isFinite(s.numeric))
    return { state: s.kink || Number.isFinite(s.analytic) ? 'kink' : 'fail', tolerance: noise, margin: Infinity };
  const diff = Math.abs(s.analytic - s.numeric);
  const margin = noise > 0 ? diff / noise : diff > 0 ? Infinity : 0;
  // A pass must have been able to see a bug: the tolerance resolves one element off by 0.1%, or element errors
  // of 10·rtol all along the direction (float32's round-off allows only the second on long directions).
  const resolves = noise <= Math.max(s.target, 10 * tol.rtol * s.l2) || !(s.target > 0);
  if (diff <= noise) return { state: resolves ? 'pass' : 'inconclusive', tolerance: noise, margin };
  if (s.kink) return { state: 'kink', tolerance: noise, margin };
  if (diff <= noise + SIGN_SUM_Z * tol.rtol * s.l2) return { state: 'within-rtol', tolerance: noise, margin };
  return { state: 'fail', tolerance: noise, margin };
}
