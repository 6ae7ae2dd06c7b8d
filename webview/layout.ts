// Turns a tensor's element columns into the cells of a heatmap view. Pure (no DOM), unit-tested in node.
//
// Shapes: a scalar or 1-D tensor is a one-row strip, a 2-D tensor is drawn as it is, and a higher-rank tensor
// whose last two dimensions are small (conv filters, [out, in, kh, kw]) is drawn as labelled kh×kw slices laid
// out on a grid over the leading dimensions. Other higher-rank tensors are drawn with their leading dimensions
// flattened into rows. Views larger than the canvas can show legibly are aggregated into tiles that show their
// worst element (failures are never averaged away); a tile opens a full-resolution window around it.

import type { ElementState, TensorResult } from '../core/report/types';
import { formatShape, unflatten } from './format';

/** Largest number of cells per side of a 2-D view (beyond this a cell is too small to see and hover). */
export const MAX_SIDE = 64;
/** Largest number of cells in a 1-D strip. */
export const MAX_STRIP = 128;
/** Slices (the last two dimensions) up to this size are drawn as tiles; larger ones are flattened. */
export const MAX_SLICE = 16;
/** Slices per row when a rank-3 tensor's single leading dimension is wrapped. */
const WRAP = 8;

/** An element's state, or 'unlisted' for elements a sampled report does not list. */
export type CellState = ElementState | 'unlisted';

/** Worse states win when elements are aggregated into a tile. */
const PRIORITY: Record<CellState, number> = { nonfinite: 5, fail: 4, kink: 3, pass: 2, unchecked: 1, unlisted: 0 };

export interface Cell {
  x: number;
  y: number;
  state: CellState;
  /** Largest relative error among the cell's listed elements. */
  relErr: number | null;
  /** Row (in the element columns) of the element the cell shows: itself, or a tile's worst element. */
  element: number | null;
  /** The element's flat index for element cells; null for tiles. */
  flat: number | null;
  /** Tiles: how many elements they cover, and of what kind. */
  count: number;
  listed: number;
  failing: number;
  kinks: number;
  nonFinite: number;
  /** Tiles: the region in words ('rows 0–3, columns 0–4'); elements: ''. */
  region: string;
  /** Tiles: where a click zooms in. */
  drill: { x: number; y: number } | null;
}

export interface Tick {
  at: number;
  label: string;
}

export interface View {
  kind: 'elements' | 'tiles' | 'slices' | 'slice-tiles';
  cols: number;
  rows: number;
  cells: Cell[];
  xTicks: Tick[];
  yTicks: Tick[];
  xTitle: string;
  yTitle: string;
  /** One line under the heatmap saying what is drawn. */
  caption: string;
  /** Whether this is a zoomed window opened from a tile. */
  zoomed: boolean;
  /** In a zoomed view: the tile that was clicked, in this view's coordinates (outlined). */
  highlight: { x0: number; y0: number; x1: number; y1: number } | null;
}

/** Above this size a sparse map replaces the dense index (a sampled report of a huge tensor lists few). */
const DENSE_LOOKUP = 1 << 22;

/** Flat index → row in the element columns (−1: not listed). */
export class ElementLookup {
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(readonly tensor: TensorResult) {
    const flat = tensor.elements?.flat ?? [];
    const size = Math.max(0, tensor.size);
    this.dense = size <= DENSE_LOOKUP ? new Int32Array(size).fill(-1) : null;
    this.sparse = this.dense ? null : new Map();
    for (let i = 0; i < flat.length; i++) {
      const f = flat[i];
      if (f < 0 || f >= size) continue;
      if (this.dense) this.dense[f] = i;
      else this.sparse!.set(f, i);
    }
  }

  row(flat: number): number {
    return this.dense ? (this.dense[flat] ?? -1) : (this.sparse!.get(flat) ?? -1);
  }
}

/** How a tensor maps onto the 2-D canvas. */
type Geometry =
  | { kind: 'matrix'; rows: number; cols: number; flattened: boolean; strip: boolean }
  | { kind: 'slices'; blockRows: number; blockCols: number; blocks: number; kh: number; kw: number; outer: number[] };

export function geometry(shape: number[]): Geometry {
  const r = shape.length;
  if (r === 0) return { kind: 'matrix', rows: 1, cols: 1, flattened: false, strip: true };
  if (r === 1) return { kind: 'matrix', rows: 1, cols: shape[0], flattened: false, strip: true };
  if (r === 2) return { kind: 'matrix', rows: shape[0], cols: shape[1], flattened: false, strip: false };
  const kh = shape[r - 2];
  const kw = shape[r - 1];
  const outer = shape.slice(0, r - 2);
  const blocks = outer.reduce((a, b) => a * b, 1);
  if (kh > MAX_SLICE || kw > MAX_SLICE || blocks === 0) {
    return { kind: 'matrix', rows: blocks * kh, cols: kw, flattened: true, strip: false };
  }
  if (outer.length === 1) {
    const blockCols = Math.min(blocks, WRAP);
    return { kind: 'slices', blockRows: Math.ceil(blocks / blockCols), blockCols, blocks, kh, kw, outer };
  }
  const blockCols = outer[outer.length - 1];
  return { kind: 'slices', blockRows: blocks / blockCols, blockCols, blocks, kh, kw, outer };
}

/** Accumulates elements into one cell. */
class Accumulator {
  state: CellState = 'unlisted';
  relErr: number | null = null;
  element: number | null = null;
  count = 0;
  listed = 0;
  failing = 0;
  kinks = 0;
  nonFinite = 0;
  private worstRel = -1;

  constructor(private readonly t: TensorResult, private readonly lookup: ElementLookup) {}

  /** One element of the cell, listed or not. */
  add(flat: number): void {
    this.count++;
    const row = this.lookup.row(flat);
    if (row >= 0) this.addListed(row);
  }

  /** A listed element, by its row in the element columns (tiles count their elements separately). */
  addListed(row: number): void {
    const cols = this.t.elements!;
    this.listed++;
    const state = cols.state[row];
    const rel = cols.relErr[row];
    if (state === 'fail') this.failing++;
    else if (state === 'kink') this.kinks++;
    else if (state === 'nonfinite') this.nonFinite++;
    if (rel !== null && Number.isFinite(rel) && (this.relErr === null || rel > this.relErr)) this.relErr = rel;
    // The shown element is the one in the worst state, and among those the largest relative error.
    const p = PRIORITY[state];
    const better = p > PRIORITY[this.state] || (p === PRIORITY[this.state] && (rel ?? -1) > this.worstRel);
    if (better || this.element === null) {
      this.state = state;
      this.element = row;
      this.worstRel = rel ?? -1;
    }
  }

  cell(x: number, y: number, flat: number | null, region: string, drill: Cell['drill']): Cell {
    const { state, relErr, element, count, listed, failing, kinks, nonFinite } = this;
    return { x, y, state, relErr, element, flat, count, listed, failing, kinks, nonFinite, region, drill };
  }
}

/** About ten ticks over n cells, on 1-2-5 steps. */
export function tickStep(n: number, target = 10): number {
  const raw = Math.max(1, n / target);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function ticks(count: number, label: (i: number) => string, step = tickStep(count)): Tick[] {
  const out: Tick[] = [];
  for (let i = 0; i < count; i += step) out.push({ at: i, label: label(i) });
  return out;
}

const range = (a: number, b: number) => (b - a <= 1 ? `${a}` : `${a}–${b - 1}`);

/** A start so that a window of `size` contains [a, b) as centrally as the bounds allow. */
function centre(a: number, b: number, size: number, total: number): number {
  const start = Math.floor((a + b) / 2 - size / 2);
  return Math.max(0, Math.min(total - size, start));
}

/** The view a tensor opens with. */
export function overview(t: TensorResult, lookup = new ElementLookup(t)): View {
  const g = geometry(t.shape);
  if (g.kind === 'matrix') {
    const maxCols = g.strip ? MAX_STRIP : MAX_SIDE;
    if (g.rows <= MAX_SIDE && g.cols <= maxCols) return matrixWindow(t, lookup, g, 0, 0, g.rows, g.cols, null);
    return matrixTiles(t, lookup, g, maxCols);
  }
  const h = g.blockRows * (g.kh + 1) - 1;
  const w = g.blockCols * (g.kw + 1) - 1;
  if (h <= MAX_SIDE && w <= MAX_SIDE) return sliceWindow(t, lookup, g, 0, 0, g.blockRows, g.blockCols, null);
  return sliceTiles(t, lookup, g);
}

/** The zoomed view behind an overview cell (null when the cell is an element). */
export function drill(t: TensorResult, at: { x: number; y: number }, lookup = new ElementLookup(t)): View | null {
  const g = geometry(t.shape);
  const top = overview(t, lookup);
  if (top.kind === 'elements' || top.kind === 'slices') return null;
  const cell = top.cells.find((c) => c.x === at.x && c.y === at.y);
  if (!cell) return null;
  if (g.kind === 'matrix') {
    const maxCols = g.strip ? MAX_STRIP : MAX_SIDE;
    const { th, tw } = tileSize(g.rows, g.cols, maxCols);
    const r0 = at.y * th;
    const c0 = at.x * tw;
    const r1 = Math.min(g.rows, r0 + th);
    const c1 = Math.min(g.cols, c0 + tw);
    const h = Math.min(g.rows, MAX_SIDE);
    const w = Math.min(g.cols, maxCols);
    const wr = centre(r0, r1, h, g.rows);
    const wc = centre(c0, c1, w, g.cols);
    return matrixWindow(t, lookup, g, wr, wc, wr + h, wc + w, { x0: c0 - wc, y0: r0 - wr, x1: c1 - wc, y1: r1 - wr });
  }
  const { th, tw } = tileSize(g.blockRows, g.blockCols, MAX_SIDE);
  const b0r = at.y * th;
  const b0c = at.x * tw;
  const b1r = Math.min(g.blockRows, b0r + th);
  const b1c = Math.min(g.blockCols, b0c + tw);
  // As many whole slices as fit in MAX_SIDE cells with one-cell gaps.
  const nr = Math.min(g.blockRows, Math.max(1, Math.floor((MAX_SIDE + 1) / (g.kh + 1))));
  const nc = Math.min(g.blockCols, Math.max(1, Math.floor((MAX_SIDE + 1) / (g.kw + 1))));
  const br = centre(b0r, b1r, nr, g.blockRows);
  const bc = centre(b0c, b1c, nc, g.blockCols);
  const hl = {
    x0: (Math.max(b0c, bc) - bc) * (g.kw + 1),
    y0: (Math.max(b0r, br) - br) * (g.kh + 1),
    x1: (Math.min(b1c, bc + nc) - bc) * (g.kw + 1) - 1,
    y1: (Math.min(b1r, br + nr) - br) * (g.kh + 1) - 1,
  };
  return sliceWindow(t, lookup, g, br, bc, br + nr, bc + nc, hl);
}

function tileSize(rows: number, cols: number, maxCols: number): { th: number; tw: number } {
  return { th: Math.ceil(rows / MAX_SIDE), tw: Math.ceil(cols / maxCols) };
}

function sampledNote(t: TensorResult): string {
  const e = t.elements;
  if (!e || e.layout !== 'sampled') return '';
  return ` The report lists ${e.flat.length} of ${t.size} elements (a sample and every failure); dotted cells are not listed.`;
}

type MatrixGeometry = Extract<Geometry, { kind: 'matrix' }>;
type SliceGeometry = Extract<Geometry, { kind: 'slices' }>;

function matrixTitles(t: TensorResult, g: MatrixGeometry): { xTitle: string; yTitle: string } {
  if (g.strip) return { xTitle: t.shape.length ? 'index' : '', yTitle: '' };
  if (g.flattened) return { xTitle: `dim ${t.shape.length - 1}`, yTitle: `dims 0–${t.shape.length - 2} (flattened)` };
  return { xTitle: 'column (dim 1)', yTitle: 'row (dim 0)' };
}

function matrixWindow(
  t: TensorResult,
  lookup: ElementLookup,
  g: MatrixGeometry,
  r0: number,
  c0: number,
  r1: number,
  c1: number,
  highlight: View['highlight'],
): View {
  const cells: Cell[] = [];
  for (let r = r0; r < r1; r++) {
    for (let c = c0; c < c1; c++) {
      const flat = r * g.cols + c;
      const acc = new Accumulator(t, lookup);
      acc.add(flat);
      cells.push(acc.cell(c - c0, r - r0, flat, '', null));
    }
  }
  const zoomed = highlight !== null;
  const shape = g.flattened ? `${formatShape(t.shape)} shown as ${g.rows}×${g.cols}` : formatShape(t.shape);
  const caption = zoomed
    ? `Zoomed in: rows ${range(r0, r1)}, columns ${range(c0, c1)} of ${shape}; the outlined cells are the tile you opened.`
    : `${shape}, every element.`;
  return {
    kind: 'elements',
    cols: c1 - c0,
    rows: r1 - r0,
    cells,
    xTicks: ticks(c1 - c0, (i) => `${c0 + i}`),
    yTicks: g.strip ? [] : ticks(r1 - r0, (i) => `${r0 + i}`),
    ...matrixTitles(t, g),
    caption: caption + sampledNote(t),
    zoomed,
    highlight,
  };
}

function matrixTiles(t: TensorResult, lookup: ElementLookup, g: MatrixGeometry, maxCols: number): View {
  const { th, tw } = tileSize(g.rows, g.cols, maxCols);
  const rows = Math.ceil(g.rows / th);
  const cols = Math.ceil(g.cols / tw);
  // Tiles are filled from the listed elements only: O(listed), however large the tensor.
  const accs = Array.from({ length: rows * cols }, () => new Accumulator(t, lookup));
  const flat = t.elements?.flat ?? [];
  for (let i = 0; i < flat.length; i++) {
    const f = flat[i];
    if (f < 0 || f >= g.rows * g.cols) continue;
    accs[Math.floor(Math.floor(f / g.cols) / th) * cols + Math.floor((f % g.cols) / tw)].addListed(i);
  }
  const cells: Cell[] = [];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const acc = accs[y * cols + x];
      const r0 = y * th;
      const c0 = x * tw;
      const r1 = Math.min(g.rows, r0 + th);
      const c1 = Math.min(g.cols, c0 + tw);
      acc.count = (r1 - r0) * (c1 - c0);
      const region = g.strip ? `elements ${range(c0, c1)}` : `rows ${range(r0, r1)}, columns ${range(c0, c1)}`;
      cells.push(acc.cell(x, y, null, region, { x, y }));
    }
  }
  const shape = g.flattened ? `${formatShape(t.shape)} shown as ${g.rows}×${g.cols}` : formatShape(t.shape);
  const tile = g.strip ? `${tw} elements` : `${th}×${tw} elements`;
  return {
    kind: 'tiles',
    cols,
    rows,
    cells,
    xTicks: ticks(cols, (i) => `${i * tw}`),
    yTicks: g.strip ? [] : ticks(rows, (i) => `${i * th}`),
    ...matrixTitles(t, g),
    caption: `${shape} in tiles of ${tile}, each showing its worst element; open a tile to see its elements.${sampledNote(t)}`,
    zoomed: false,
    highlight: null,
  };
}

/** Label of a slice grid row/column from the leading dimensions. */
function sliceLabels(g: SliceGeometry): { row: (bi: number) => string; col: (bj: number) => string; xTitle: string; yTitle: string } {
  if (g.outer.length === 1) {
    // One leading dimension, wrapped WRAP slices to a row: a row is labelled by the index it starts at.
    const wrapped = g.blockRows > 1;
    return {
      row: (bi) => (wrapped ? `${bi * g.blockCols}+` : ''),
      col: (bj) => `${bj}`,
      xTitle: wrapped ? `dim 0 (row start + column)` : 'dim 0',
      yTitle: wrapped ? 'dim 0' : '',
    };
  }
  const lead = g.outer.slice(0, -1);
  return {
    row: (bi) => unflatten(bi, lead).join(','),
    col: (bj) => `${bj}`,
    xTitle: `dim ${g.outer.length - 1}`,
    yTitle: lead.length === 1 ? 'dim 0' : `dims 0–${lead.length - 1}`,
  };
}

function sliceWindow(
  t: TensorResult,
  lookup: ElementLookup,
  g: SliceGeometry,
  br0: number,
  bc0: number,
  br1: number,
  bc1: number,
  highlight: View['highlight'],
): View {
  const cells: Cell[] = [];
  const per = g.kh * g.kw;
  for (let bi = br0; bi < br1; bi++) {
    for (let bj = bc0; bj < bc1; bj++) {
      const b = bi * g.blockCols + bj;
      if (b >= g.blocks) continue;
      for (let u = 0; u < g.kh; u++) {
        for (let v = 0; v < g.kw; v++) {
          const flat = b * per + u * g.kw + v;
          const acc = new Accumulator(t, lookup);
          acc.add(flat);
          cells.push(acc.cell((bj - bc0) * (g.kw + 1) + v, (bi - br0) * (g.kh + 1) + u, flat, '', null));
        }
      }
    }
  }
  const labels = sliceLabels(g);
  const nr = br1 - br0;
  const nc = bc1 - bc0;
  const stepR = tickStep(nr, 16);
  const stepC = tickStep(nc, 16);
  const yTicks: Tick[] = [];
  for (let i = 0; i < nr; i += stepR) yTicks.push({ at: i * (g.kh + 1) + (g.kh - 1) / 2, label: labels.row(br0 + i) });
  if (yTicks.every((t) => !t.label)) yTicks.length = 0;
  const xTicks: Tick[] = [];
  for (let j = 0; j < nc; j += stepC) xTicks.push({ at: j * (g.kw + 1) + (g.kw - 1) / 2, label: labels.col(bc0 + j) });
  const zoomed = highlight !== null;
  const what = `${formatShape(t.shape)}: ${g.kh}×${g.kw} slices over the last two dimensions`;
  const caption = zoomed
    ? `Zoomed in on slices ${range(br0, br1)} × ${range(bc0, bc1)} of ${what}; the outlined slices are the tile you opened.`
    : `${what}, every element.`;
  return {
    kind: 'slices',
    cols: nc * (g.kw + 1) - 1,
    rows: nr * (g.kh + 1) - 1,
    cells,
    xTicks,
    yTicks,
    xTitle: labels.xTitle,
    yTitle: labels.yTitle,
    caption: caption + sampledNote(t),
    zoomed,
    highlight,
  };
}

function sliceTiles(t: TensorResult, lookup: ElementLookup, g: SliceGeometry): View {
  const { th, tw } = tileSize(g.blockRows, g.blockCols, MAX_SIDE);
  const rows = Math.ceil(g.blockRows / th);
  const cols = Math.ceil(g.blockCols / tw);
  const per = g.kh * g.kw;
  const labels = sliceLabels(g);
  const accs = Array.from({ length: rows * cols }, () => new Accumulator(t, lookup));
  const flat = t.elements?.flat ?? [];
  for (let i = 0; i < flat.length; i++) {
    const b = Math.floor(flat[i] / per);
    if (flat[i] < 0 || b >= g.blocks) continue;
    accs[Math.floor(Math.floor(b / g.blockCols) / th) * cols + Math.floor((b % g.blockCols) / tw)].addListed(i);
  }
  const cells: Cell[] = [];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const acc = accs[y * cols + x];
      const r0 = y * th;
      const c0 = x * tw;
      const r1 = Math.min(g.blockRows, r0 + th);
      const c1 = Math.min(g.blockCols, c0 + tw);
      let blocks = 0;
      for (let bi = r0; bi < r1; bi++) blocks += Math.max(0, Math.min(c1, g.blocks - bi * g.blockCols) - c0);
      if (blocks === 0) continue;
      acc.count = blocks * per;
      const region = th === 1 && tw === 1 ? `slice [${labels.row(r0)}; ${labels.col(c0)}]` : `slices ${range(r0, r1)} × ${range(c0, c1)}`;
      cells.push(acc.cell(x, y, null, region, { x, y }));
    }
  }
  const unit = th === 1 && tw === 1 ? `one cell per ${g.kh}×${g.kw} slice` : `tiles of ${th}×${tw} slices of ${g.kh}×${g.kw}`;
  return {
    kind: 'slice-tiles',
    cols,
    rows,
    cells,
    xTicks: ticks(cols, (i) => labels.col(i * tw)),
    yTicks: ticks(rows, (i) => labels.row(i * th)),
    xTitle: labels.xTitle,
    yTitle: labels.yTitle,
    caption: `${formatShape(t.shape)}, ${unit}, each showing its worst element; open one to see the slices.${sampledNote(t)}`,
    zoomed: false,
    highlight: null,
  };
}
