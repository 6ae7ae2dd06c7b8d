// One tensor's result, step by step: what its compared elements say, how it was checked, what the search left
// unresolved, its status, and the hints (a pattern fitted on the elements, or an error spread over the tensor
// that only the directions see).

import type { Hint, SourceRange, TensorResult, Unchecked } from '../report/types';
import { computeHints } from '../report/hints';
import { columns, elementResult, elementStats, finiteOrNull, num, valuesAt, type Judged } from './judge-elements';
import { searchLeaves, type JudgedDirection } from './judge-directions';
import type { RawCheck, RawTensor } from './raw';

/** How a gradient is named to the user: the key the code returned it under, else the input's path. */
export function displayName(t: RawTensor): string {
  return t.gradientKey || t.path;
}

export interface TensorContext {
  raw: RawCheck;
  index: number;
  /** This tensor's compared elements. */
  judged: Judged[];
  /** Every direction of the declaration (joint ones and this tensor's own are picked out here). */
  directions: JudgedDirection[];
  source?: SourceRange;
  /** The check ended on an error before this tensor was fully checked. */
  stopped: boolean;
}

export function tensorResult({ raw, index, judged, directions: all, source, stopped }: TensorContext): TensorResult {
  const t = raw.tensors[index];
  const mine = all.filter((d) => d.tensor === undefined || d.tensor === index);
  const own = mine.filter((d) => d.tensor === index);
  const directions = mine.map((d) => d.result);
  const stats = elementStats(judged);
  const base: TensorResult = {
    path: t.path,
    group: t.group,
    gradientKey: t.gradientKey,
    shape: t.shape,
    size: t.size,
    status: 'pass',
    method: 'none',
    checked: judged.length,
    failing: 0,
    kinks: 0,
    nonFinite: 0,
    maxRelErr: null,
    maxAbsErr: null,
    margin: null,
    worst: null,
    kinkIndices: [],
    hints: [],
    directions,
    elements: null,
    evaluations: 0,
    ...(source ? { source } : {}),
  };
  if (t.problem) return { ...base, status: 'error', problem: t.problem };

  const { worst, undifferentiable, ...counts } = stats;
  Object.assign(base, counts);
  // Elements whose numerical derivative could not be taken were not compared: they are not "checked".
  base.checked = judged.length - undifferentiable;
  if (undifferentiable) base.undifferentiable = undifferentiable;
  base.worst = worst ? elementResult(worst, t.shape) : null;
  base.margin = worst ? finiteOrNull(worst.margin) : largestMargin(own.length ? own.map((d) => d.result) : directions);
  base.evaluations = judged.length;
  base.method = methodOf(raw, t, judged, own, directions.length);
  if (judged.length) base.elements = columns(judged, t.size, raw.seed);

  const blocks = own.filter((d) => d.block);
  const { leaves, unresolved, unexplained } = searchLeaves(blocks, new Map(judged.map((j) => [j.flat, j.state])));
  if (leaves.length) base.blocks = leaves;
  // Cut short before this tensor was narrowed (or its elements all compared), and nothing had cleared it.
  const notReached = !!t.searchStop && !blocks.length && judged.length < t.size && !(directions.length && directions.every((d) => d.state === 'pass'));
  if (unresolved.fail + unresolved.other > 0 || notReached) {
    const unchecked: Unchecked = {
      blocks: notReached ? 0 : unresolved.fail + unresolved.other,
      elements: notReached ? t.size - judged.length : unresolved.elements,
      reason: t.searchStop ?? 'budget',
    };
    base.unchecked = unchecked;
  }

  // Every element within its own error, yet a direction through all of them deviates beyond its noise and beyond
  // what element errors within rtol add up to: an error spread over the tensor, below each element's resolution.
  // The same holds for a failing block that nothing inside it explains (its halves resolve less than it does).
  const spread = !base.failing && !unresolved.fail && (leaves.some((b) => b.state === 'fail') || unexplained > 0);
  if (spread) base.hints = [spreadErrorHint(displayName(t), blocks)];

  if (base.failing || unresolved.fail || spread) base.status = 'fail';
  else if (notReached || (stopped && judged.length < t.size && !directions.length)) base.status = 'error';
  else if (base.kinks || unresolved.other || undifferentiable) base.status = 'warn';

  if ((base.status === 'fail' && !spread) || base.nonFinite) base.hints = patternHints(raw, t, judged) ?? base.hints;
  return base;
}

function largestMargin(directions: { margin: number }[]): number | null {
  return directions.length ? Math.max(...directions.map((d) => d.margin)) : null;
}

/** How the tensor was checked, as the report says it: every element, a sample, blocks of the search, directions. */
function methodOf(raw: RawCheck, t: RawTensor, judged: Judged[], own: JudgedDirection[], directions: number): TensorResult['method'] {
  if (raw.mode === 'sample') return 'sample';
  if (judged.length === t.size) return 'elements';
  if (own.length && judged.length) return 'blocks';
  if (directions) return 'directions';
  return judged.length ? 'elements' : 'none';
}

/** A consistent ratio analytic / numeric over the failing blocks is a scale factor; otherwise a thin spread error. */
function spreadErrorHint(name: string, blocks: JudgedDirection[]): Hint {
  const ratios = blocks
    .filter((d) => d.state === 'fail')
    .map((d) => d.result.analytic / d.result.numeric)
    .filter(Number.isFinite);
  const k = ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : NaN;
  const consistent = ratios.length > 0 && ratios.every((r) => Math.abs(r - k) <= 1e-2 * Math.abs(k));
  if (consistent) {
    return {
      code: 'scaled',
      factor: k,
      support: 1,
      message: `${name} ≈ ${Number(k.toPrecision(3))} × numeric along every random direction: a small factor over the whole tensor, below one element's resolution`,
    };
  }
  return {
    code: 'small-relative',
    support: 1,
    message: `${name} deviates along random directions by more than every element's tolerance adds up to: an error spread thinly over the whole tensor`,
  };
}

/** Bug patterns (missing 1/N, transposed, sign, λ·W, border, …) fitted on the compared elements; null when none were. */
function patternHints(raw: RawCheck, t: RawTensor, judged: Judged[]): Hint[] | null {
  // Patterns are fitted on one objective (the first upstream gradient) so analytic and numeric agree in kind.
  const k = raw.objectives;
  // Elements at or near a kink have no reliable derivative (a kink flag, or a large error estimate from a kink
  // a few steps away): they would spoil a pattern that fits all the others.
  const smooth = judged.filter((j) => {
    const at = j.row * k;
    const scale = Math.max(Math.abs(num(raw.elements.analytic[at])), Math.abs(num(raw.elements.numeric[at])));
    return raw.elements.kink[at] !== 1 && !(num(raw.elements.errEst[at]) > 1e-3 * scale);
  });
  const fitted = smooth.length ? smooth : judged;
  if (!fitted.length) return null;
  return computeHints({
    name: displayName(t),
    shape: t.shape,
    flat: fitted.map((j) => j.flat),
    analytic: fitted.map((j) => num(raw.elements.analytic[j.row * k])),
    numeric: fitted.map((j) => num(raw.elements.numeric[j.row * k])),
    failed: fitted.map((j) => j.state === 'fail' || j.state === 'nonfinite'),
    values: t.values ?? valuesAt(raw, judged),
    analyticAll: t.analytic0,
    batchCandidates: raw.batchCandidates,
  });
}
