// Fills for the states that are not on the error scale. Each gets its own pattern as well as its own colour so
// they stay apart without colour vision and in greyscale print: stripes for kinks, a cross-hatch for NaN/Inf,
// dots for unchecked elements, a sparse grid of dots for elements a sampled report does not list. Cells that show
// a search block rather than an element are hatched the other way (↘) on a light tint of the state's colour, so
// "a direction through this block failed" never looks like "this element failed" (a solid cell).

import type { CellState } from './layout';
import { parseColor, toCss, type Rgb } from './scale';
import type { Theme } from './theme';

export type SpecialState = Exclude<CellState, 'pass' | 'fail'>;
export type Fill = string | CanvasPattern;

const SIZE = 6;

function tile(draw: (ctx: CanvasRenderingContext2D) => void): CanvasPattern | string {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '#888888';
  draw(ctx);
  return ctx.createPattern(canvas, 'repeat') ?? '#888888';
}

const mix = (a: Rgb, b: Rgb, t: number): string => toCss([0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as Rgb);
const rgbOf = (css: string, fallback: Rgb): Rgb => parseColor(css) ?? fallback;

/** ↘ lines of `line` on a `fill` background, `period` apart (seamless when the tile is `period` wide). */
function hatch(ctx: CanvasRenderingContext2D, fill: string, line: string, width: number, w: number, hgt: number, period = SIZE): void {
  ctx.fillStyle = fill;
  ctx.fillRect(0, 0, w, hgt);
  ctx.strokeStyle = line;
  ctx.lineWidth = width;
  ctx.beginPath();
  for (let d = -hgt - period; d < w + hgt + period; d += period) {
    ctx.moveTo(d, 0);
    ctx.lineTo(d + hgt, hgt);
  }
  ctx.stroke();
}

/** The colours of the block states: a light tint of the state's colour behind lines of the colour itself. */
export function blockColors(state: 'block-fail' | 'block-kink' | 'block-pass', theme: Theme): { fill: string; line: string } {
  const bg = rgbOf(theme.bg, [255, 255, 255]);
  const { failLow, failHigh, passHigh } = theme.ramps;
  const strongFail: Rgb = [0, 1, 2].map((i) => Math.round(failLow[i] + (failHigh[i] - failLow[i]) * 0.3)) as Rgb;
  switch (state) {
    case 'block-fail':
      return { fill: mix(bg, failLow, 0.3), line: toCss(strongFail) };
    case 'block-kink': {
      const kink = rgbOf(theme.kink, [123, 79, 201]);
      return { fill: mix(bg, kink, 0.18), line: toCss(kink) };
    }
    case 'block-pass':
      // Quiet: most of a large tensor is passing blocks, and the failures must stand out of them.
      return { fill: mix(bg, passHigh, 0.08), line: mix(bg, passHigh, 0.38) };
  }
}

/** Draws the pattern of a state onto a tile (also used for legend swatches). */
export function drawSpecial(ctx: CanvasRenderingContext2D, state: SpecialState, theme: Theme, w = SIZE, hgt = SIZE): void {
  ctx.save();
  ctx.lineWidth = 1.5;
  switch (state) {
    case 'kink':
      ctx.fillStyle = theme.kink;
      ctx.fillRect(0, 0, w, hgt);
      ctx.strokeStyle = theme.bg;
      ctx.beginPath();
      for (let d = -hgt; d < w + hgt; d += SIZE) {
        ctx.moveTo(d, hgt);
        ctx.lineTo(d + hgt, 0);
      }
      ctx.stroke();
      break;
    case 'nonfinite':
      ctx.fillStyle = theme.nonfinite;
      ctx.fillRect(0, 0, w, hgt);
      ctx.strokeStyle = theme.bg;
      ctx.beginPath();
      for (let d = -hgt; d < w + hgt; d += SIZE) {
        ctx.moveTo(d, hgt);
        ctx.lineTo(d + hgt, 0);
        ctx.moveTo(d, 0);
        ctx.lineTo(d + hgt, hgt);
      }
      ctx.stroke();
      break;
    case 'unchecked':
    case 'unlisted':
      ctx.fillStyle = theme.bg;
      ctx.fillRect(0, 0, w, hgt);
      ctx.fillStyle = theme.unchecked;
      ctx.globalAlpha = state === 'unchecked' ? 1 : 0.55;
      for (let x = 2; x < w; x += state === 'unchecked' ? 3 : SIZE) {
        for (let y = 2; y < hgt; y += state === 'unchecked' ? 3 : SIZE) ctx.fillRect(x, y, 1.5, 1.5);
      }
      break;
    case 'block-fail':
    case 'block-kink':
    case 'block-pass': {
      const { fill, line } = blockColors(state, theme);
      hatch(ctx, fill, line, state === 'block-pass' ? 1.1 : 1.8, w, hgt);
      break;
    }
  }
  ctx.restore();
}

/** A hatched fill of a ramp colour (bars measured along directions rather than over elements). */
export function hatchedFill(color: Rgb, theme: Theme): Fill {
  const bg = rgbOf(theme.bg, [255, 255, 255]);
  return tile((ctx) => hatch(ctx, mix(bg, color, 0.45), toCss(color), 2.2, SIZE, SIZE));
}

export type Patterns = Record<SpecialState, Fill>;

export function makePatterns(theme: Theme): Patterns {
  return {
    kink: tile((ctx) => drawSpecial(ctx, 'kink', theme)),
    nonfinite: tile((ctx) => drawSpecial(ctx, 'nonfinite', theme)),
    unchecked: tile((ctx) => drawSpecial(ctx, 'unchecked', theme)),
    unlisted: tile((ctx) => drawSpecial(ctx, 'unlisted', theme)),
    'block-fail': tile((ctx) => drawSpecial(ctx, 'block-fail', theme)),
    'block-kink': tile((ctx) => drawSpecial(ctx, 'block-kink', theme)),
    'block-pass': tile((ctx) => drawSpecial(ctx, 'block-pass', theme)),
  };
}

export const SPECIAL_LABELS: Record<SpecialState, string> = {
  kink: 'kink (compared one-sided)',
  nonfinite: 'NaN or ±Infinity',
  unchecked: 'not checked',
  unlisted: 'not listed (sampled report)',
  'block-fail': 'hatched: not compared, a direction through its block fails',
  'block-kink': 'hatched: not compared, its block’s direction crosses a kink',
  'block-pass': 'hatched: not compared, a direction through its block passes',
};
