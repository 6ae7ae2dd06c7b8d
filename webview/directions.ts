// Directional comparisons as tables: under the tensor they tested (its whole-tensor directions and its blocks),
// and once for the directions through every tensor at once. Each row says how the direction came out: pass,
// fail, within rtol (sends the search on, fails nothing), kink or inconclusive (narrowed further). A row never
// contradicts the badge above it: a direction that deviated under a tensor that passes was narrowed to elements
// that all pass, and says so ("elements pass") rather than "fail".

import type { DirectionResult, Status, TensorResult } from '../core/report/types';
import { h, statusBadge } from './dom';
import { formatCount, formatError, formatShape, formatValue } from './format';
import { DIRECTION_EXPLAINED, DIRECTION_WORDS, directionState, ownDirections, tensorStats, uncheckedWords, type DirectionState } from './summary';

/** What a row shows: the direction's state, or 'resolved' for one that deviated where the elements decided pass. */
export type RowState = DirectionState | 'resolved';

const SYMBOL: Record<RowState, string> = { pass: '✓', fail: '✗', 'within-rtol': '≈', kink: '∠', inconclusive: '?', resolved: '✓' };
const ROW_WORDS: Record<RowState, string> = { ...DIRECTION_WORDS, resolved: 'elements pass' };
const ROW_EXPLAINED: Record<RowState, string> = {
  ...DIRECTION_EXPLAINED,
  resolved: 'The direction deviated, so the search compared its elements one by one, and every one of them passes: the verdict is theirs.',
};

/**
 * How a direction's row reads under a verdict: a failing direction under a tensor (or, for the directions through
 * every tensor, a declaration) that passes on its compared elements was resolved by them.
 */
export function rowState(d: DirectionResult, verdict: Status | null, elementsCompared: boolean): RowState {
  const state = directionState(d);
  return state === 'fail' && elementsCompared && (verdict === 'pass' || verdict === 'warn') ? 'resolved' : state;
}

/** A direction's state as a word with a symbol (never colour alone). */
export function directionBadge(state: RowState): HTMLElement {
  return h(
    'span',
    { class: `gl-dir-state gl-dir-${state === 'resolved' ? 'pass gl-dir-resolved' : state}`, attrs: { title: ROW_EXPLAINED[state] } },
    h('span', { class: 'gl-badge-symbol', text: SYMBOL[state], attrs: { 'aria-hidden': 'true' } }),
    ROW_WORDS[state],
  );
}

function label(d: DirectionResult, t: TensorResult | null): string {
  // The engine gives whole-tensor directions the block [0, size) too.
  if (d.block && t && d.block[0] <= 0 && d.block[1] >= t.size) return 'whole tensor';
  if (d.block) return `block ${formatCount(d.block[0])}–${formatCount(d.block[1] - 1)}`;
  if (d.scope === 'all') return 'all tensors';
  if (t && d.scope === t.path) return 'whole tensor';
  return d.scope;
}

function elementsOf(d: DirectionResult, t: TensorResult | null): string {
  const n = d.elements ?? (d.block ? d.block[1] - d.block[0] : t && d.scope === t.path ? t.size : null);
  return n === null ? '' : formatCount(n);
}

/** The table of some directions: one row each, in the order the search ran them, read under `verdict`. */
export function directionTable(
  ds: DirectionResult[],
  t: TensorResult | null,
  caption: string,
  verdict: { status: Status; compared: boolean } | null = null,
): HTMLTableElement {
  const rows = ds.map((d) => {
    const state = verdict ? rowState(d, verdict.status, verdict.compared) : directionState(d);
    return h(
      'tr',
      { class: `gl-${state}`, attrs: { 'data-state': state } },
      h('td', { text: label(d, t) }),
      h('td', { class: 'gl-num', text: elementsOf(d, t) }),
      h('td', { class: 'gl-num', text: formatValue(d.analytic) }),
      h('td', { class: 'gl-num', text: formatValue(d.numeric) }),
      h('td', { class: 'gl-num', text: formatError(d.errEst) }),
      h('td', { class: 'gl-num', text: formatError(d.margin) }),
      h('td', {}, directionBadge(state)),
    );
  });
  const heads = ['direction', 'elements', 'u·analytic', 'numeric', 'error est.', 'margin', 'state'];
  return h(
    'table',
    { class: 'gl-table' },
    caption ? h('caption', { text: caption }) : '',
    h('thead', {}, h('tr', {}, ...heads.map((c) => h('th', { text: c, attrs: { scope: 'col' } })))),
    h('tbody', {}, ...rows),
  );
}

/** "2 fail, 1 kink, 5 pass" (under a passing verdict: "1 deviated (elements pass), 5 pass"). */
export function stateCounts(ds: DirectionResult[], verdict: { status: Status; compared: boolean } | null = null): string {
  const counts = new Map<RowState, number>();
  for (const d of ds) {
    const state = verdict ? rowState(d, verdict.status, verdict.compared) : directionState(d);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const order: RowState[] = ['fail', 'kink', 'inconclusive', 'within-rtol', 'resolved', 'pass'];
  const words = (s: RowState) => (s === 'resolved' ? 'deviated (their elements pass)' : ROW_WORDS[s]);
  return order
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${words(s)}`)
    .join(', ');
}

/** The verdict a tensor's own directions are read under. */
const tensorVerdict = (t: TensorResult) => ({ status: t.status, compared: t.checked > 0 });

const MEANING = 'u·analytic against the numerical derivative along u; margin is |deviation| / tolerance, above 1 fails.';

function head(t: TensorResult): HTMLElement {
  return h(
    'figcaption',
    { class: 'gl-heatmap-head' },
    h('code', { class: 'gl-path', text: t.path }),
    h('span', { class: 'gl-shape', text: formatShape(t.shape) }),
    statusBadge(t.status),
    h('span', { class: 'gl-stats', text: tensorStats(t).join(' · ') }),
  );
}

/**
 * A tensor with no element compared and no blocks to draw: the directions through it alone, or, when it was only
 * ever checked together with the others, a sentence saying so.
 */
export function renderDirections(t: TensorResult, joint: DirectionResult[] = []): HTMLElement {
  const own = ownDirections(t);
  const unchecked = uncheckedWords(t.unchecked);
  let body: HTMLElement;
  if (own.length) {
    body = directionTable(
      own,
      t,
      `No element compared: checked along ${own.length} random direction${own.length === 1 ? '' : 's'} through ${t.path} alone, ${MEANING}`,
      tensorVerdict(t),
    );
  } else if (joint.length) {
    const outcome = stateCounts(joint);
    body = h('p', {
      class: 'gl-caption',
      text: `No element compared and no direction through ${t.path} alone: it was checked only along the ${joint.length} direction${joint.length === 1 ? '' : 's'} through all tensors at once (${outcome}; listed under “All tensors”).`,
    });
  } else {
    body = h('p', { class: 'gl-caption', text: 'No element compared and no direction recorded.' });
  }
  return h(
    'figure',
    { class: `gl-heatmap gl-directions gl-status-${t.status}`, attrs: { 'data-tensor': t.path } },
    head(t),
    unchecked ? h('p', { class: 'gl-unchecked-note', text: unchecked }) : '',
    body,
  );
}

/** Under a heatmap: the tensor's own directions, folded (a search over blocks can have hundreds), built on open. */
export function directionDetails(t: TensorResult): HTMLElement | null {
  const own = ownDirections(t);
  if (!own.length) return null;
  const summary = h('summary', {
    text: `${formatCount(own.length)} direction${own.length === 1 ? '' : 's'} through ${t.path}: ${stateCounts(own, tensorVerdict(t))}`,
  });
  const details = h('details', { class: 'gl-dir-details' }, summary);
  details.addEventListener('toggle', () => {
    if (details.open && details.children.length === 1) details.append(directionTable(own, t, MEANING, tensorVerdict(t)));
  });
  return details;
}

/**
 * The directions through every tensor at once, listed once for the declaration, read under its verdict (a failing
 * one under a declaration whose tensors all pass on their elements was resolved by them).
 */
export function renderJointDirections(joint: DirectionResult[], verdict: { status: Status; compared: boolean } | null = null): HTMLElement {
  return h(
    'figure',
    { class: 'gl-directions gl-joint', attrs: { 'data-scope': 'all' } },
    directionTable(
      joint,
      null,
      `Random directions through every tensor at once (${stateCounts(joint, verdict)}): ${MEANING} They say whether all gradients together agree, not which one is wrong.`,
      verdict,
    ),
  );
}

/** A tensor with nothing to draw: a gradient problem, or no comparisons at all. */
export function renderNoData(t: TensorResult): HTMLElement {
  const why = t.problem ?? (t.method === 'none' ? 'Not checked.' : 'No per-element data in this report.');
  return h(
    'figure',
    { class: `gl-heatmap gl-nodata gl-status-${t.status}`, attrs: { 'data-tensor': t.path } },
    h(
      'figcaption',
      { class: 'gl-heatmap-head' },
      h('code', { class: 'gl-path', text: t.path }),
      h('span', { class: 'gl-shape', text: formatShape(t.shape) }),
      statusBadge(t.status),
    ),
    h('p', { class: 'gl-caption', text: why }),
  );
}
