// The fixed colour scale of the heatmaps: log10 of the relative error from 1e-16 to 1 (values outside are
// clamped), split at the tolerance. Passing elements take a blue ramp that ends at the tolerance, failing ones
// an orange ramp that starts there, so pass/fail differs in hue *and* lightness (blue/orange is the pair that
// survives every common colour-vision deficiency). Special states get patterns (see patterns.ts). Pure.

import type { ElementState } from '../core/report/types';

export const LOG_MIN = -16;
export const LOG_MAX = 0;
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

/** Position of a relative error on the scale, 0 (≤ 1e-16, or exactly 0) to 1 (≥ 1). */
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

/**
 * The colour of a scale position on the pass or the fail side of the tolerance. Passing elements whose
 * relative error exceeds rtol (held to the absolute floor instead) are clamped to the top of the pass ramp:
 * the colour never says "fails" about an element that passed, nor the reverse.
 */
export function rampColor(position: number, failing: boolean, tolerancePosition: number, ramps: Ramps): Rgb {
  const tol = Math.min(0.999, Math.max(0.001, tolerancePosition));
  if (failing) {
    const t = Math.max(0, (position - tol) / (1 - tol));
    return mix(ramps.failLow, ramps.failHigh, Math.min(1, t));
  }
  const t = Math.min(1, position / tol);
  return mix(ramps.passLow, ramps.passHigh, Math.max(0, t));
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
