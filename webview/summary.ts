// What a tensor's figure, its bar and the declaration header say about how it was checked: by its elements, by
// directions through it alone (no element compared), or only by directions through every tensor at once. Pure
// (report data only), unit-tested in node.

import type { BlockResult, DeclarationReport, DirectionResult, TensorResult, Unchecked } from '../core/report/types';
import { formatCount, formatError } from './format';
import { isCompared, SearchBlocks } from './layout';

export type DirectionState = NonNullable<DirectionResult['state']>;

/** A direction's outcome; reports from before `state` existed only say pass or fail. */
export function directionState(d: DirectionResult): DirectionState {
  return d.state ?? (d.pass ? 'pass' : 'fail');
}

export const DIRECTION_WORDS: Record<DirectionState, string> = {
  pass: 'pass',
  fail: 'fail',
  'within-rtol': 'within rtol',
  kink: 'kink',
  inconclusive: 'inconclusive',
};

/** What each state means, for the table's tooltips. */
export const DIRECTION_EXPLAINED: Record<DirectionState, string> = {
  pass: 'The derivative along the direction matches.',
  fail: 'Beyond the numeric error and beyond what element errors within rtol could add up to.',
  'within-rtol':
    'Beyond the numeric error, but small enough to be the sum of element errors each within rtol: it sends the search on, it does not fail the tensor.',
  kink: 'The one-sided slopes along the direction disagree: a kink is crossed, so the search narrows it further.',
  inconclusive: 'It agreed, but its numbers were too noisy to have seen one element off by 0.1%: the search narrows it further.',
};

/** Directions through this tensor alone (the whole tensor, or blocks of it). */
export function ownDirections(t: TensorResult): DirectionResult[] {
  return t.directions.filter((d) => d.scope === t.path);
}

/**
 * Directions through several tensors at once ('all'): the engine repeats them under every tensor, so they are
 * gathered once here, in the order first seen.
 */
export function jointDirections(report: DeclarationReport): DirectionResult[] {
  const paths = new Set(report.tensors.map((t) => t.path));
  const seen = new Set<string>();
  const out: DirectionResult[] = [];
  for (const t of report.tensors) {
    for (const d of t.directions) {
      if (paths.has(d.scope)) continue;
      const key = JSON.stringify([d.scope, d.block ?? null, d.analytic, d.numeric, d.errEst, d.margin]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

export function maxMargin(ds: DirectionResult[]): number | null {
  let max: number | null = null;
  for (const d of ds) if (Number.isFinite(d.margin)) max = max === null ? d.margin : Math.max(max, d.margin);
  return max;
}

/** Whether any element of the tensor was compared one by one. */
export const hasCompared = (t: TensorResult): boolean => t.checked > 0;

/** The tensor's blocks by state. */
export function blockCounts(t: TensorResult): { fail: number; kink: number; pass: number; unchecked: number; total: number } {
  const c = { fail: 0, kink: 0, pass: 0, unchecked: 0, total: 0 };
  for (const b of t.blocks ?? []) {
    c[b.state]++;
    c.total++;
  }
  return c;
}

/** Sorted flat indices of the elements compared one by one and listed in the report. */
function comparedFlats(t: TensorResult): number[] {
  const e = t.elements;
  const out: number[] = [];
  if (e) for (let i = 0; i < e.flat.length; i++) if (isCompared(e.state[i])) out.push(e.flat[i]);
  return out.sort((a, b) => a - b);
}

/** Number of sorted values in [from, to). */
function countIn(sorted: number[], from: number, to: number): number {
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return lowerBound(to) - lowerBound(from);
}

/**
 * The blocks some cell is drawn with: the narrowest block for some of its elements, with fewer of its elements
 * compared (and listed) than it holds.
 */
export function visibleBlocks(t: TensorResult, blocks = new SearchBlocks(t)): BlockResult[] {
  const all = t.blocks ?? [];
  const compared = comparedFlats(t);
  const shown = new Set<number>();
  for (let s = 0; s < blocks.length; s++) {
    if (countIn(compared, blocks.from[s], blocks.to[s]) < blocks.to[s] - blocks.from[s]) shown.add(blocks.block[s]);
  }
  return [...shown].sort((a, b) => a - b).map((b) => all[b]);
}

/**
 * Failing blocks the search did not narrow down: the narrowest block for some of its elements, with no element
 * in it compared one by one. Their failure is not shown by any compared element.
 */
export function openFailingBlocks(t: TensorResult, blocks = new SearchBlocks(t)): BlockResult[] {
  const compared = comparedFlats(t);
  return visibleBlocks(t, blocks).filter((b) => b.state === 'fail' && countIn(compared, b.from, b.to) === 0);
}

/**
 * How a tensor is measured in the bar chart. Elements: the largest relative error. Directions only: the largest
 * margin (|deviation| / tolerance) of the directions through it alone, plotted at margin × rtol so that the
 * tolerance line means the same for both (above it fails). 'joint': checked only by directions through every
 * tensor at once, which say nothing about this tensor alone: no bar.
 */
export interface TensorMeasure {
  basis: 'elements' | 'directions' | 'joint' | 'none';
  relErr: number | null;
  /** Directions only: their largest margin; elements: that of the failing blocks left unnarrowed, if any. */
  margin: number | null;
  /** Height on the relative-error axis; null when nothing can be plotted. */
  value: number | null;
  /** Whether the value is a direction's margin (drawn hatched). */
  fromDirections: boolean;
}

export function measure(t: TensorResult, rtol: number, joint: DirectionResult[] = []): TensorMeasure {
  const own = ownDirections(t);
  if (hasCompared(t)) {
    const relErr = t.maxRelErr;
    // Failing blocks the search did not narrow to elements: the elements compared do not show that failure.
    let open: number | null = null;
    for (const b of openFailingBlocks(t)) if (b.margin !== null) open = Math.max(open ?? 0, b.margin);
    const fromDirections = open !== null && open * rtol > (relErr ?? 0);
    return { basis: 'elements', relErr, margin: open, value: fromDirections ? open! * rtol : relErr, fromDirections };
  }
  if (own.length) {
    const margin = maxMargin(own);
    return { basis: 'directions', relErr: null, margin, value: margin === null ? null : margin * rtol, fromDirections: margin !== null };
  }
  if (joint.length) return { basis: 'joint', relErr: null, margin: null, value: null, fromDirections: false };
  return { basis: 'none', relErr: null, margin: null, value: null, fromDirections: false };
}

/** One line per tensor in a bar's tooltip and the chart's text alternative. */
export function measureWords(t: TensorResult, m: TensorMeasure): string {
  switch (m.basis) {
    case 'elements':
      return `max rel. err ${formatError(m.relErr)}${m.margin !== null ? `, failing blocks not narrowed: margin ${formatError(m.margin)}` : ''}`;
    case 'directions':
      return `directions only, margin ${formatError(m.margin)}`;
    case 'joint':
      return 'directions only, through all tensors at once';
    default:
      return t.problem ? 'not compared' : 'not checked';
  }
}

/** The short facts next to a tensor's name in its figure. */
export function tensorStats(t: TensorResult): string[] {
  const b = blockCounts(t);
  // A single block over the whole tensor is its whole-tensor direction: nothing to count.
  const whole = b.total === 1 && t.blocks![0].from <= 0 && t.blocks![0].to >= t.size;
  const blocks = b.total && !whole ? `${formatCount(b.fail)} of ${formatCount(b.total)} block${b.total === 1 ? '' : 's'} fail` : '';
  if (!hasCompared(t)) {
    const own = ownDirections(t);
    const margin = maxMargin(own);
    return [
      'directions only',
      own.length ? `${own.length} direction${own.length === 1 ? '' : 's'}` : 'none through it alone',
      margin !== null ? `margin ${formatError(margin)}` : '',
      blocks,
    ].filter(Boolean);
  }
  return [
    t.maxRelErr !== null ? `max rel. error ${formatError(t.maxRelErr)}` : '',
    `${formatCount(t.failing)} of ${formatCount(t.checked)} fail`,
    blocks,
    t.kinks ? `${t.kinks} kinks` : '',
    t.nonFinite ? `${t.nonFinite} NaN/Inf` : '',
  ].filter(Boolean);
}

const REASONS: Record<Unchecked['reason'], string> = {
  budget: 'the evaluation budget ran out',
  'time-limit': 'the time limit was reached',
  spread: 'the failures are spread over too many blocks to narrow each one down',
};

/**
 * What a tensor's check did not get to, in one sentence; null when it got to everything. `blocks` counts the
 * search's deviating leaves (failing, or crossing a kink) that were not narrowed to elements; none means the
 * search never reached the tensor's elements at all.
 */
export function uncheckedWords(u: Unchecked | undefined): string | null {
  if (!u || (u.blocks <= 0 && u.elements <= 0)) return null;
  const elements = `${formatCount(u.elements)} element${u.elements === 1 ? '' : 's'}`;
  const what =
    u.blocks > 0
      ? `${formatCount(u.blocks)} deviating block${u.blocks === 1 ? '' : 's'} (${elements}) not narrowed down to elements`
      : `${elements} not reached by the search`;
  return `Not checked: ${what}; ${REASONS[u.reason] ?? u.reason}.`;
}
