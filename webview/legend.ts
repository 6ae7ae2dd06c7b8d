// The colour legend (chartjs-chart-matrix has none): the fixed log scale of relative errors with its decades
// labelled and the tolerance marked, then a swatch for each special state. Drawn from the same functions the
// cells use, so the legend cannot disagree with the heatmaps.

import type { Tolerance } from '../core/report/types';
import { h } from './dom';
import { formatError, formatPower } from './format';
import { drawSpecial, SPECIAL_LABELS, type SpecialState } from './patterns';
import { type FailRange, LEGEND_TICKS, LOG_MAX, LOG_MIN, rampColor, scalePosition, toCss } from './scale';
import type { Theme } from './theme';

const WIDTH = 400;
const BAR_H = 14;
const HEIGHT = 52;
const SIDE = 24;

/** A canvas drawn at the device pixel ratio, sized in CSS pixels. */
function hiDpiCanvas(w: number, hgt: number, label: string): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const dpr = window.devicePixelRatio || 1;
  const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': label } });
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(hgt * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${hgt}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  return [canvas, ctx];
}

function drawScale(ctx: CanvasRenderingContext2D, tolerance: Tolerance, theme: Theme, fail: FailRange | null): void {
  const x0 = SIDE;
  const w = WIDTH - 2 * SIDE;
  const top = 16;
  const tolPos = scalePosition(tolerance.rtol);
  for (let i = 0; i < w; i++) {
    const p = (i + 0.5) / w;
    ctx.fillStyle = toCss(rampColor(p, p > tolPos, tolPos, theme.ramps, fail));
    ctx.fillRect(x0 + i, top, 1.02, BAR_H);
  }
  // The span of this declaration's failing elements, which the fail ramp covers: a bracket under the bar.
  if (fail) {
    const a = x0 + fail.lo * w;
    const b = x0 + fail.hi * w;
    const y = top + BAR_H + 2;
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(a, y + 4);
    ctx.lineTo(a, y);
    ctx.lineTo(b, y);
    ctx.lineTo(b, y + 4);
    ctx.stroke();
  }
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 + 0.5, top + 0.5, w - 1, BAR_H - 1);
  ctx.fillStyle = theme.muted;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const exp of LEGEND_TICKS) {
    const x = x0 + ((exp - LOG_MIN) / (LOG_MAX - LOG_MIN)) * w;
    ctx.fillRect(Math.round(x) - 0.5, top + BAR_H, 1, 4);
    const label = exp === LOG_MIN ? `≤${formatPower(exp)}` : formatPower(exp);
    ctx.fillText(label, x, top + BAR_H + 6);
  }
  // The tolerance: a marker through the bar, labelled above it.
  const tx = x0 + tolPos * w;
  ctx.strokeStyle = theme.tolerance;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(tx, top - 3);
  ctx.lineTo(tx, top + BAR_H + 3);
  ctx.stroke();
  ctx.fillStyle = theme.fg;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = tolPos < 0.15 ? 'left' : tolPos > 0.85 ? 'right' : 'center';
  ctx.fillText(`tolerance rtol ${formatError(tolerance.rtol)}`, tx, top - 3);
}

export function renderLegend(tolerance: Tolerance, theme: Theme, specials: SpecialState[], fail: FailRange | null = null): HTMLElement {
  const at = (p: number) => formatError(10 ** (LOG_MIN + p * (LOG_MAX - LOG_MIN)));
  const text =
    `Colour is the relative error |analytic − numeric| / max(|analytic|, |numeric|) on a log scale from 1e-16 to 2: ` +
    `blue elements pass, orange ones fail, darker the further over the tolerance` +
    (fail ? ` (the orange ramp spans this declaration's failing elements, ${at(fail.lo)} to ${at(fail.hi)}, bracketed under the scale)` : '') +
    `; the tolerance is rtol ${formatError(tolerance.rtol)} plus an absolute floor of ${formatError(tolerance.floor)} × the gradient scale.` +
    ` Each tensor's worst element is marked ⌜⌟.`;
  const [scale, ctx] = hiDpiCanvas(WIDTH, HEIGHT, text);
  drawScale(ctx, tolerance, theme, fail);
  const items = specials.map((state) => {
    const [swatch, sctx] = hiDpiCanvas(16, 16, '');
    swatch.setAttribute('aria-hidden', 'true');
    swatch.removeAttribute('role');
    drawSpecial(sctx, state, theme, 16, 16);
    sctx.strokeStyle = theme.border;
    sctx.strokeRect(0.5, 0.5, 15, 15);
    return h('li', { attrs: { 'data-state': state } }, swatch, h('span', { text: SPECIAL_LABELS[state] }));
  });
  return h(
    'div',
    { class: 'gl-legend', attrs: { role: 'group', 'aria-label': 'Colour legend' } },
    h('div', { class: 'gl-legend-title', text: 'Relative error' }),
    scale,
    h('ul', { class: 'gl-legend-special' }, ...items),
    h('p', { class: 'gl-visually-hidden', text }),
  );
}
