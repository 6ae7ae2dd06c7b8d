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
 */
export function richardson3(d1: number, d2: number, d3: number): Extrapolation {
  const r12 = d2 + (d2 - d1) / 3;
  const r23 = d3 + (d3 - d2) / 3;
  const value = r23 + (r23 - r12) / 15;
  // Round-off of D_l scales like 1/h_l: relative to D3's, D2 has ½ and D1 ¼.
  const roundoffGain = (64 + 20 * 0.5 + 1 * 0.25) / 45;
  return { value, truncation: Math.abs(value - r23), roundoffGain };
}

/** Round-off of a difference quotient of an objective of magnitude m computed with unit round-off eps. */
export function roundoff(eps: number, magnitude: number, step: number): number {
  return (4 * eps * magnitude) / step;
}
