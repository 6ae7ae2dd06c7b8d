// Finite-difference formulas: a central difference that stays second-order when the two steps differ (the
// representable neighbours of a float32 value are not symmetric), and a three-level Richardson table.

/** Derivative from f(x+hp), f(x), f(x−hm); equals (fp − fm)/(2h) when hp = hm = h. */
export function centralDifference(fp: number, f0: number, fm: number, hp: number, hm: number): number {
  if (hp === hm) return (fp - fm) / (2 * hp);
  return (hm * hm * (fp - f0) + hp * hp * (f0 - fm)) / (hp * hm * (hp + hm));
}

export interface Extrapolation {
  value: number;
  /** |best − second best|: the truncation error left after extrapolation, conservatively. */
  truncation: number;
  /** Multiplier of the smallest step's round-off in the extrapolated value. */
  roundoffGain: number;
}

/**
 * Richardson extrapolation of central differences at steps h, h/2, h/4 (error series in h²):
 * R = (64·D3 − 20·D2 + D1) / 45.
 *
 * Where the second derivative jumps (a C¹ point: Huber at |r| = δ, ELU at 0, smooth-L1 at β) the series starts
 * at h: successive differences shrink by 2, not 4, and the h² extrapolation keeps an error ~14× its own estimate.
 * There the first-order extrapolation 2·D3 − D2 is taken, with |D3 − D2| (D3's own error) as its estimate.
 * `noise` is D3's round-off: differences below a few times it say nothing about the order.
 */
export function richardson3(d1: number, d2: number, d3: number, noise = 0): Extrapolation {
  const r12 = d2 + (d2 - d1) / 3;
  const r23 = d3 + (d3 - d2) / 3;
  const value = r23 + (r23 - r12) / 15;
  // Round-off of D_l scales like 1/h_l: relative to D3's, D2 has ½ and D1 ¼.
  const roundoffGain = (64 + 20 * 0.5 + 1 * 0.25) / 45;
  const upper = d1 - d2;
  const lower = d2 - d3;
  const ratio = upper / lower;
  if (Math.abs(lower) > FIRST_ORDER_MIN_NOISE * noise && ratio > 1.5 && ratio < 3) {
    return { value: d3 - lower, truncation: Math.abs(lower), roundoffGain: 2 + 0.5 };
  }
  return { value, truncation: Math.abs(value - r23), roundoffGain };
}

/** How far above round-off the last two differences must differ before their ratio is read as the series' order. */
const FIRST_ORDER_MIN_NOISE = 8;

/** Round-off of a difference quotient of an objective of magnitude m computed with unit round-off eps. */
export function roundoff(eps: number, magnitude: number, step: number): number {
  return (4 * eps * magnitude) / step;
}
