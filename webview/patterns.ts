// Fills for the states that are not on the error scale. Each gets its own pattern as well as its own colour so
// they stay apart without colour vision and in greyscale print: stripes for kinks, a cross-hatch for NaN/Inf,
// dots for unchecked elements, a sparse grid of dots for elements a sampled report does not list.

import type { CellState } from './layout';
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
  }
  ctx.restore();
}

export type Patterns = Record<SpecialState, Fill>;

export function makePatterns(theme: Theme): Patterns {
  return {
    kink: tile((ctx) => drawSpecial(ctx, 'kink', theme)),
    nonfinite: tile((ctx) => drawSpecial(ctx, 'nonfinite', theme)),
    unchecked: tile((ctx) => drawSpecial(ctx, 'unchecked', theme)),
    unlisted: tile((ctx) => drawSpecial(ctx, 'unlisted', theme)),
  };
}

export const SPECIAL_LABELS: Record<SpecialState, string> = {
  kink: 'kink (compared one-sided)',
  nonfinite: 'NaN or ±Infinity',
  unchecked: 'not checked',
  unlisted: 'not listed (sampled report)',
};
