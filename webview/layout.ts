// Turns a tensor's element columns into the cells of a heatmap view. Pure (no DOM), unit-tested in node.
//
// Shapes: a scalar or 1-D tensor is a one-row strip, a 2-D tensor is drawn as it is, and a higher-rank tensor
// whose last two dimensions are small (conv filters, [out, in, kh, kw]) is drawn as labelled kh×kw slices laid
// out on a grid over the leading dimensions. Other higher-rank tensors are drawn with their leading dimensions
// flattened into rows. Views larger than the canvas can show legibly are aggregated into tiles that show their
// worst element (failures are never averaged away); a tile opens a full-resolution window around it.
//
// Tensors checked by a directional search also carry blocks: contiguous flat ranges and how a direction through
// each came out. A cell with no compared element shows the state of the block it lies in (a distinct, hatched
// state: 'a direction through this block failed' is not 'this element failed'); a compared element keeps its own.
// A tile shows the worst of the cells it stands for, blocks included.

import type { BlockResult, ElementState, TensorResult } from '../core/report/types';
import { formatCount, formatShape, unflatten } from './format';

/** Largest number of cells per side of a 2-D view (beyond this a cell is too small to see and hover). */
export const MAX_SIDE = 64;
/** Largest number of cells in a 1-D strip. */
export const MAX_STRIP = 128;
/** Slices (the last two dimensions) up to this size are drawn as tiles; larger ones are flattened. */
export const MAX_SLICE = 16;
/** Slices per row when a rank-3 tensor's single leading dimension is wrapped. */
const WRAP = 8;

/** A cell showing a search block's outcome rather than an element's (a block 'unchecked' shows as 'unchecked'). */
export type BlockCellState = 'block-fail' | 'block-kink' | 'block-pass';

/** An element's state, 'unlisted' for elements a sampled report does not list, or the state of a block. */
export type CellState = ElementState | 'unlisted' | BlockCellState;

/**
 * Worse states win when cells are aggregated into a tile: a failing element over a failing block (located beats
 * not located), a failing block over any kink or pass.
 */
export const PRIORITY: Record<CellState, number> = {
  nonfinite: 9,
  fail: 8,
  'block-fail': 7,
  kink: 6,
  'block-kink': 5,
  pass: 4,
  'block-pass': 3,
  unchecked: 2,
  unlisted: 0,
};

/** The cell state a block's state is drawn with. */
export function blockCellState(state: BlockResult['state']): CellState {
  return state === 'unchecked' ? 'unchecked' : `block-${state}`;
}

/** Whether an element listed in a report was compared (listed 'unchecked' elements were not). */
export const isCompared = (state: ElementState): boolean => state !== 'unchecked';

/** Distinct blocks in a cell, by state. */
export interface BlockCounts {
  fail: number;
  kink: number;
  pass: number;
  unchecked: number;
}

export interface Cell {
  x: number;
  y: number;
  /** What the cell is drawn as: the worse of its worst element's state and its worst block's. */
  state: CellState;
  /** Largest relative error among the cell's listed elements. */
  relErr: number | null;
  /** Row (in the element columns) of the element the cell shows: itself, or a tile's worst element. */
  element: number | null;
  /** State of that element ('unlisted' when the cell lists none). */
  elementState: CellState;
  /** The block (index into TensorResult.blocks) whose state the cell shows; null when it shows an element's. */
  block: number | null;
  /** The worst block with elements in the cell not compared one by one (shown or not), or null. */
  worstBlock: number | null;
  /** Element cells: the block the element lies in, whatever the cell shows (null: in none). */
  within: number | null;
  /** Distinct blocks with elements in the cell that were not compared one by one, by state. */
  blocks: BlockCounts;
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
  /** The cell that holds an element (its flat index): the element's own cell, or its tile; null when not in view. */
  locate(flat: number): { x: number; y: number } | null;
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

/**
 * A tensor's search blocks as sorted, disjoint segments, each naming the block it shows. Where blocks nest (a
 * failing block and the halves the search narrowed it to) an element is described by the narrowest block that
 * contains it; ranges are clipped to the tensor.
 */
export class SearchBlocks {
  /** Segment i is the flat range [from[i], to[i]) and shows t.blocks[block[i]]. */
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly block: number[] = [];
  /** Elements in some block. */
  readonly covered: number = 0;

  constructor(readonly tensor: TensorResult) {
    const size = Math.max(0, tensor.size);
    const list = (tensor.blocks ?? [])
      .map((b, i) => ({ i, from: Math.max(0, Math.floor(b.from)), to: Math.min(size, Math.floor(b.to)) }))
      .filter((b) => Number.isFinite(b.from) && Number.isFinite(b.to) && b.to > b.from)
      .sort((a, b) => a.from - b.from || b.to - a.to);
    if (!list.length) return;
    const points = [...new Set(list.flatMap((b) => [b.from, b.to]))].sort((a, b) => a - b);
    // A sweep over the elementary intervals between block ends, keeping the blocks that cover the current one.
    let active: typeof list = [];
    let next = 0;
    for (let p = 0; p + 1 < points.length; p++) {
      const a = points[p];
      const b = points[p + 1];
      active = active.filter((x) => x.to > a);
      while (next < list.length && list[next].from <= a) active.push(list[next++]);
      if (!active.length) continue;
      let pick = active[0];
      for (const x of active) if (x.to - x.from < pick.to - pick.from || (x.to - x.from === pick.to - pick.from && x.i > pick.i)) pick = x;
      const last = this.block.length - 1;
      if (last >= 0 && this.block[last] === pick.i && this.to[last] === a) this.to[last] = b;
      else {
        this.from.push(a);
        this.to.push(b);
        this.block.push(pick.i);
      }
      this.covered += b - a;
    }
  }

  /** Number of segments. */
  get length(): number {
    return this.block.length;
  }

  /** The segment containing a flat index, or −1. */
  segment(flat: number): number {
    let lo = 0;
    let hi = this.from.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.from[mid] <= flat) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && flat < this.to[hi] ? hi : -1;
  }

  /** The block (index into t.blocks) describing a flat index, or −1. */
  blockAt(flat: number): number {
    const s = this.segment(flat);
    return s < 0 ? -1 : this.block[s];
  }
}

/** What the views of a tensor look elements and blocks up in: built once per tensor. */
export class TensorIndex {
  readonly lookup: ElementLookup;
  readonly blocks: SearchBlocks;

  constructor(readonly tensor: TensorResult) {
    this.lookup = new ElementLookup(tensor);
    this.blocks = new SearchBlocks(tensor);
  }
}

/**
 * A row-major run of `total` elements, `width` to a row, grouped into tiles of `th` rows × `tw` elements
 * (`cols` × `rows` tiles). Conv slices fit it too: a row of slices is one contiguous run of elements.
 */
export interface TileGrid {
  width: number;
  th: number;
  tw: number;
  cols: number;
  rows: number;
  total: number;
}

export function tileOf(g: TileGrid, flat: number): number {
  return Math.floor(Math.floor(flat / g.width) / g.th) * g.cols + Math.floor((flat % g.width) / g.tw);
}

/**
 * Calls visit(tile, n) for every tile the flat range [a, b) overlaps, n its number of elements in the tile.
 * Works band by band (a band is a row of tiles), so the cost is the number of tiles touched, however long the
 * range.
 */
export function forEachTileOverlap(g: TileGrid, a: number, b: number, visit: (tile: number, n: number) => void): void {
  const lo0 = Math.max(0, a);
  const hi0 = Math.min(b, g.total);
  if (hi0 <= lo0) return;
  const band = g.th * g.width;
  // Elements below x whose column is in [c0, c1).
  const below = (x: number, c0: number, c1: number) => Math.floor(x / g.width) * (c1 - c0) + Math.min(c1 - c0, Math.max(0, (x % g.width) - c0));
  for (let r = Math.floor(lo0 / band); r * band < hi0; r++) {
    const lo = Math.max(lo0, r * band);
    const hi = Math.min(hi0, (r + 1) * band);
    const cs = lo % g.width;
    const ce = (hi - 1) % g.width;
    // Within one row of elements only the tiles between the first and last column; otherwise any of them.
    const whole = hi - lo >= g.width || cs > ce;
    const x0 = whole ? 0 : Math.floor(cs / g.tw);
    const x1 = whole ? g.cols - 1 : Math.floor(ce / g.tw);
    for (let x = x0; x <= x1; x++) {
      const c0 = x * g.tw;
      const c1 = Math.min(g.width, c0 + g.tw);
      const n = below(hi, c0, c1) - below(lo, c0, c1);
      if (n > 0) visit(r * g.cols + x, n);
    }
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

const BLOCK_RANK: Record<BlockResult['state'], number> = { fail: 3, kink: 2, pass: 1, unchecked: 0 };

/** Accumulates elements, and the blocks of elements not compared one by one, into one cell. */
class Accumulator {
  elementState: CellState = 'unlisted';
  relErr: number | null = null;
  element: number | null = null;
  count = 0;
  listed = 0;
  failing = 0;
  kinks = 0;
  nonFinite = 0;
  block: number | null = null;
  within: number | null = null;
  readonly blocks: BlockCounts = { fail: 0, kink: 0, pass: 0, unchecked: 0 };
  private worstRel = -1;
  /** Blocks already counted: the first one, then a set (an element cell never needs one). */
  private first = -1;
  private seen: Set<number> | null = null;

  constructor(private readonly t: TensorResult) {}

  /** One element of an element cell, listed or not: its block is what the cell shows when it was not compared. */
  add(flat: number, ix: TensorIndex): void {
    this.count++;
    const row = ix.lookup.row(flat);
    if (row >= 0) this.addListed(row);
    const b = ix.blocks.blockAt(flat);
    if (b < 0) return;
    this.within = b;
    if (row < 0 || !isCompared(this.t.elements!.state[row])) this.addBlock(b);
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
    const better = p > PRIORITY[this.elementState] || (p === PRIORITY[this.elementState] && (rel ?? -1) > this.worstRel);
    if (better || this.element === null) {
      this.elementState = state;
      this.element = row;
      this.worstRel = rel ?? -1;
    }
  }

  /** A block with elements in the cell that were not compared one by one (each block counted once). */
  addBlock(b: number): void {
    if (b === this.first || this.seen?.has(b)) return;
    if (this.first < 0) this.first = b;
    else (this.seen ??= new Set()).add(b);
    const blocks = this.t.blocks!;
    const x = blocks[b];
    this.blocks[x.state]++;
    const cur = this.block === null ? null : blocks[this.block];
    if (!cur || BLOCK_RANK[x.state] > BLOCK_RANK[cur.state] || (BLOCK_RANK[x.state] === BLOCK_RANK[cur.state] && (x.margin ?? -1) > (cur.margin ?? -1))) {
      this.block = b;
    }
  }

  cell(x: number, y: number, flat: number | null, region: string, drill: Cell['drill']): Cell {
    const { elementState, relErr, element, count, listed, failing, kinks, nonFinite, within } = this;
    const blockState = this.block === null ? null : blockCellState(this.t.blocks![this.block].state);
    const fromBlock = blockState !== null && PRIORITY[blockState] > PRIORITY[elementState];
    const state = fromBlock ? blockState : elementState;
    const block = fromBlock ? this.block : null;
    const blocks = { ...this.blocks };
    return {
      x,
      y,
      state,
      relErr,
      element,
      elementState,
      block,
      worstBlock: this.block,
      within: flat === null ? null : within,
      blocks,
      flat,
      count,
      listed,
      failing,
      kinks,
      nonFinite,
      region,
      drill,
    };
  }
}

/**
 * The accumulators of a tiled view, filled from the listed elements and the block segments alone: O(listed +
 * tiles touched by blocks), however large the tensor. A block counts in a tile where some of its elements in
 * the tile were not compared one by one (the cells the zoomed window would draw with the block's state).
 */
function fillTiles(t: TensorResult, ix: TensorIndex, g: TileGrid): Accumulator[] {
  const accs = Array.from({ length: g.rows * g.cols }, () => new Accumulator(t));
  const flat = t.elements?.flat ?? [];
  const state = t.elements?.state ?? [];
  const segments = ix.blocks;
  const n = segments.length;
  // Compared elements per (tile, segment).
  const compared = new Map<number, number>();
  for (let i = 0; i < flat.length; i++) {
    const f = flat[i];
    if (f < 0 || f >= g.total) continue;
    const tile = tileOf(g, f);
    accs[tile].addListed(i);
    if (n && isCompared(state[i])) {
      const s = segments.segment(f);
      if (s >= 0) compared.set(tile * n + s, (compared.get(tile * n + s) ?? 0) + 1);
    }
  }
  for (let s = 0; s < n; s++) {
    forEachTileOverlap(g, segments.from[s], segments.to[s], (tile, count) => {
      if (count > (compared.get(tile * n + s) ?? 0)) accs[tile].addBlock(segments.block[s]);
    });
  }
  return accs;
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
export function overview(t: TensorResult, ix = new TensorIndex(t)): View {
  const g = geometry(t.shape);
  if (g.kind === 'matrix') {
    const maxCols = g.strip ? MAX_STRIP : MAX_SIDE;
    if (g.rows <= MAX_SIDE && g.cols <= maxCols) return matrixWindow(t, ix, g, 0, 0, g.rows, g.cols, null);
    return matrixTiles(t, ix, g, maxCols);
  }
  const h = g.blockRows * (g.kh + 1) - 1;
  const w = g.blockCols * (g.kw + 1) - 1;
  if (h <= MAX_SIDE && w <= MAX_SIDE) return sliceWindow(t, ix, g, 0, 0, g.blockRows, g.blockCols, null);
  return sliceTiles(t, ix, g);
}

/** The zoomed view behind an overview cell (null when the cell is an element). */
export function drill(t: TensorResult, at: { x: number; y: number }, ix = new TensorIndex(t)): View | null {
  const g = geometry(t.shape);
  const top = overview(t, ix);
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
    return matrixWindow(t, ix, g, wr, wc, wr + h, wc + w, { x0: c0 - wc, y0: r0 - wr, x1: c1 - wc, y1: r1 - wr });
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
  return sliceWindow(t, ix, g, br, bc, br + nr, bc + nc, hl);
}

function tileSize(rows: number, cols: number, maxCols: number): { th: number; tw: number } {
  return { th: Math.ceil(rows / MAX_SIDE), tw: Math.ceil(cols / maxCols) };
}

/** What the cells stand for when not every element was compared or listed: a sentence for the caption. */
function dataNote(t: TensorResult, ix: TensorIndex): string {
  const e = t.elements;
  const nb = t.blocks?.length ?? 0;
  if (ix.blocks.length) {
    const listed = e?.flat.length ?? 0;
    const compared = t.checked
      ? `${formatCount(t.checked)} of ${formatCount(t.size)} elements were compared one by one${listed < t.checked ? ` (${formatCount(listed)} listed here)` : ''}; the other cells`
      : 'No element was compared one by one; the cells';
    const rest = ix.blocks.covered < t.size ? ' Dotted cells are in no block.' : '';
    return ` ${compared} are hatched with how a direction through their block came out (${formatCount(nb)} block${nb === 1 ? '' : 's'}).${rest}`;
  }
  if (!e || e.layout !== 'sampled') return '';
  return ` The report lists ${e.flat.length} of ${t.size} elements (a sample and every failure); dotted cells are not listed.`;
}

/** What a tile shows. */
const worstOf = (ix: TensorIndex) => (ix.blocks.length ? 'its worst element or block' : 'its worst element');

type MatrixGeometry = Extract<Geometry, { kind: 'matrix' }>;
type SliceGeometry = Extract<Geometry, { kind: 'slices' }>;

function matrixTitles(t: TensorResult, g: MatrixGeometry): { xTitle: string; yTitle: string } {
  if (g.strip) return { xTitle: t.shape.length ? 'index' : '', yTitle: '' };
  if (g.flattened) return { xTitle: `dim ${t.shape.length - 1}`, yTitle: `dims 0–${t.shape.length - 2} (flattened)` };
  return { xTitle: 'column (dim 1)', yTitle: 'row (dim 0)' };
}

function matrixWindow(t: TensorResult, ix: TensorIndex, g: MatrixGeometry, r0: number, c0: number, r1: number, c1: number, highlight: View['highlight']): View {
  const cells: Cell[] = [];
  for (let r = r0; r < r1; r++) {
    for (let c = c0; c < c1; c++) {
      const flat = r * g.cols + c;
      const acc = new Accumulator(t);
      acc.add(flat, ix);
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
    caption: caption + dataNote(t, ix),
    zoomed,
    highlight,
    locate: (flat) => {
      const r = Math.floor(flat / g.cols);
      const c = flat % g.cols;
      return r >= r0 && r < r1 && c >= c0 && c < c1 ? { x: c - c0, y: r - r0 } : null;
    },
  };
}

function matrixTiles(t: TensorResult, ix: TensorIndex, g: MatrixGeometry, maxCols: number): View {
  const { th, tw } = tileSize(g.rows, g.cols, maxCols);
  const rows = Math.ceil(g.rows / th);
  const cols = Math.ceil(g.cols / tw);
  const accs = fillTiles(t, ix, { width: g.cols, th, tw, cols, rows, total: g.rows * g.cols });
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
    caption: `${shape} in tiles of ${tile}, each showing ${worstOf(ix)}; open a tile to see its elements.${dataNote(t, ix)}`,
    zoomed: false,
    highlight: null,
    locate: (flat) => (flat >= 0 && flat < g.rows * g.cols ? { x: Math.floor((flat % g.cols) / tw), y: Math.floor(Math.floor(flat / g.cols) / th) } : null),
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
  ix: TensorIndex,
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
          const acc = new Accumulator(t);
          acc.add(flat, ix);
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
    caption: caption + dataNote(t, ix),
    zoomed,
    highlight,
    locate: (flat) => {
      const { bi, bj, u, v } = slicePosition(g, flat);
      if (bi < br0 || bi >= br1 || bj < bc0 || bj >= bc1) return null;
      return { x: (bj - bc0) * (g.kw + 1) + v, y: (bi - br0) * (g.kh + 1) + u };
    },
  };
}

/** Where an element sits among the slices: the slice's grid row and column, and its row and column inside it. */
function slicePosition(g: SliceGeometry, flat: number): { bi: number; bj: number; u: number; v: number } {
  const per = g.kh * g.kw;
  const b = Math.floor(flat / per);
  const within = flat % per;
  return { bi: Math.floor(b / g.blockCols), bj: b % g.blockCols, u: Math.floor(within / g.kw), v: within % g.kw };
}

function sliceTiles(t: TensorResult, ix: TensorIndex, g: SliceGeometry): View {
  const { th, tw } = tileSize(g.blockRows, g.blockCols, MAX_SIDE);
  const rows = Math.ceil(g.blockRows / th);
  const cols = Math.ceil(g.blockCols / tw);
  const per = g.kh * g.kw;
  const labels = sliceLabels(g);
  // A row of slices is a contiguous run of blockCols·per elements; a tile is th such rows × tw slices.
  const accs = fillTiles(t, ix, { width: g.blockCols * per, th, tw: tw * per, cols, rows, total: g.blocks * per });
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
    caption: `${formatShape(t.shape)}, ${unit}, each showing ${worstOf(ix)}; open one to see the slices.${dataNote(t, ix)}`,
    zoomed: false,
    highlight: null,
    locate: (flat) => {
      if (flat < 0 || flat >= g.blocks * per) return null;
      const { bi, bj } = slicePosition(g, flat);
      return { x: Math.floor(bj / tw), y: Math.floor(bi / th) };
    },
  };
}
