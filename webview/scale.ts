// The colour scale of the heatmaps: log10 of the relative error from 1e-16 to 2, the largest there is (smaller
// values are clamped), split at the tolerance. Passing elements take a blue ramp that ends at the tolerance,
// failing ones an orange ramp that starts there, so pass/fail differs in hue *and* lightness (blue/orange is the
// pair that survives every common colour-vision deficiency). The fail ramp spans the declaration's failing
// elements, from the least to the most over the tolerance, so failing cells keep their order (how far over, not
// just "over") instead of all saturating at one dark red. Special states get patterns (see patterns.ts). Pure.

import type { DeclarationReport, ElementState } from '../core/report/types';

export const LOG_MIN = -16;
/** |a − n| / max(|a|, |n|) is at most 2 (analytic and numeric of opposite signs): the scale ends there. */
export const LOG_MAX = Math.log10(2);
/** Decades labelled on the legend. */
export const LEGEND_TICKS = [-16, -12, -8, -4, 0];

export type Rgb = [number, number, number];

/** The ramps a theme supplies (CSS variables --gl-ramp-*, read by theme.ts). */
export interface Ramps {
  passLow: Rgb;
  passHigh: Rgb;
  failLow: Rgb;
  failHigh: Rgb;
}

/** Position of a relative error on the scale, 0 (≤ 1e-16, or exactly 0) to 1 (2, the largest). */
export function scalePosition(relErr: number | null): number {
  if (relErr === null || !Number.isFinite(relErr)) return 1;
  if (relErr <= 0) return 0;
  const t = (Math.log10(relErr) - LOG_MIN) / (LOG_MAX - LOG_MIN);
  return Math.min(1, Math.max(0, t));
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

/** Where the fail ramp starts and ends (scale positions): see failRange. */
export interface FailRange {
  lo: number;
  hi: number;
}

/**
 * The colour of a scale position on the pass or the fail side of the tolerance. Passing elements whose
 * relative error exceeds rtol (held to the absolute floor instead) are clamped to the top of the pass ramp:
 * the colour never says "fails" about an element that passed, nor the reverse. The fail ramp spans `fail`
 * (default: from the tolerance to the end of the scale).
 */
export function rampColor(position: number, failing: boolean, tolerancePosition: number, ramps: Ramps, fail?: FailRange | null): Rgb {
  const tol = Math.min(0.999, Math.max(0.001, tolerancePosition));
  if (failing) {
    const lo = fail?.lo ?? tol;
    const hi = fail?.hi ?? 1;
    const t = Math.max(0, (position - lo) / Math.max(1e-9, hi - lo));
    return mix(ramps.failLow, ramps.failHigh, Math.min(1, t));
  }
  const t = Math.min(1, position / tol);
  return mix(ramps.passLow, ramps.passHigh, Math.max(0, t));
}

/**
 * The fail ramp of a declaration: from its smallest failing relative error (never below the tolerance) to its
 * largest, so that the failing cells use the whole ramp, in order. It spans at least a decade, reaching down to the
 * tolerance first (a tensor failing just over it is not drawn darkest). Null when no element fails.
 */
export function failRange(report: Pick<DeclarationReport, 'tensors' | 'tolerance'>): FailRange | null {
  let least = Infinity;
  let most = -1;
  const see = (r: number | null) => {
    if (r === null || !Number.isFinite(r)) return;
    least = Math.min(least, r);
    most = Math.max(most, r);
  };
  for (const t of report.tensors) {
    if (t.worst?.state === 'fail') see(t.worst.relErr);
    const e = t.elements;
    if (!e) continue;
    for (let i = 0; i < e.state.length; i++) if (e.state[i] === 'fail') see(e.relErr[i]);
  }
  if (most < 0) return null;
  const decade = 1 / (LOG_MAX - LOG_MIN);
  const tol = scalePosition(report.tolerance.rtol);
  const hi = Math.min(1, Math.max(scalePosition(most), tol + decade));
  const lo = Math.max(tol, Math.min(scalePosition(least), hi - decade));
  return { lo, hi };
}

/** Whether a cell in this state is drawn from the ramps (the others get a pattern). */
export function isRampState(state: ElementState | string): state is 'pass' | 'fail' {
  return state === 'pass' || state === 'fail';
}

export function toCss(rgb: Rgb): string {
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}

/** Parses '#rgb', '#rrggbb' or 'rgb(a, b, c)' / 'rgba(…)' (what a canvas normalises colours to). */
export function parseColor(text: string): Rgb | null {
  const s = text.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (rgb) return [Math.round(+rgb[1]), Math.round(+rgb[2]), Math.round(+rgb[3])];
  return null;
}
