// Directions judged again in the trusted parent from their raw numbers, and the halving search's leaves: the
// tested blocks of a tensor with no tested block inside them, which say where a deviating tensor is wrong.

import type { BlockResult, DirectionResult, ElementState } from '../report/types';
import { DIRECTION_SEVERITY, judgeDirection, type DirectionState } from '../numerics/verdict';
import type { RawCheck } from './raw';
import { finiteOrNull, num } from './judge-elements';

/** One direction judged again from its raw numbers: the objective with the worst state decides it. */
export interface JudgedDirection {
  result: DirectionResult;
  state: DirectionState;
  tensor?: number;
  block?: [number, number];
}

/** Every direction judged again here from its raw numbers; one entry per direction (its worst objective). */
export function judgeDirections(raw: RawCheck): JudgedDirection[] {
  return raw.directions.map((d) => {
    let pick: JudgedDirection | null = null;
    for (let j = 0; j < d.analytic.length; j++) {
      const a = num(d.analytic[j]);
      const n = num(d.numeric[j]);
      const err = num(d.errEst[j]);
      const v = judgeDirection(
        { analytic: a, numeric: n, errEst: err, kink: d.kink[j] === 1, l2: num(d.l2?.[j]), u2: num(d.u2?.[j]), target: num(d.target?.[j]) },
        raw.gradientScale[j] ?? 0,
        raw.tolerance,
        raw.eps,
      );
      const result: DirectionResult = {
        scope: d.scope,
        analytic: a,
        numeric: n,
        errEst: err,
        tolerance: v.tolerance,
        margin: Number.isFinite(v.margin) ? v.margin : 1e300,
        pass: v.state === 'pass' || v.state === 'within-rtol',
        state: v.state,
        elements: d.elements,
      };
      if (d.block) result.block = d.block;
      if (!pick || DIRECTION_SEVERITY[v.state] > DIRECTION_SEVERITY[pick.state] || (v.state === pick.state && result.margin > pick.result.margin))
        pick = { result, state: v.state, tensor: d.tensor, block: d.block };
    }
    return pick!;
  });
}

const BLOCK_STATE: Record<DirectionState, BlockResult['state']> = { pass: 'pass', 'within-rtol': 'pass', inconclusive: 'kink', kink: 'kink', fail: 'fail' };

/**
 * The search's leaves for one tensor: the tested blocks with no tested block inside them. Bisection blocks nest,
 * so these partition what the search reached. A leaf that deviates and whose elements were not all compared is
 * unresolved: a 'fail' leaf fails the tensor from the directions alone. So does a failing block that nothing
 * inside it explains (see unexplainedFailure): halving can dilute an error below what smaller blocks resolve.
 * `compared` maps the flat index of each element compared one by one to its state.
 */
export function searchLeaves(
  blocks: JudgedDirection[],
  compared: Map<number, ElementState>,
): { leaves: BlockResult[]; unresolved: { fail: number; other: number; elements: number }; unexplained: number } {
  const sorted = [...blocks].sort((a, b) => a.block![0] - b.block![0] || b.block![1] - a.block![1]);
  const leaves: BlockResult[] = [];
  const unresolved = { fail: 0, other: 0, elements: 0 };
  const seen = new Set<string>();
  let unexplained = 0;
  for (let i = 0; i < sorted.length; i++) {
    const [from, to] = sorted[i].block!;
    const key = `${from}:${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const isInside = (o: JudgedDirection) => o.block![0] >= from && o.block![1] <= to && o.block![1] - o.block![0] < to - from;
    if (sorted.some(isInside)) {
      const failed = sorted.some((o) => o.block![0] === from && o.block![1] === to && o.state === 'fail');
      const missing = failed ? unexplainedFailure(sorted.filter(isInside), from, to, compared) : null;
      if (missing === null) continue;
      unexplained++;
      if (missing) {
        unresolved.fail++;
        unresolved.elements += missing;
      }
      continue;
    }
    // The worst of the directions measured through this block (one per round).
    const same = sorted.filter((o) => o.block![0] === from && o.block![1] === to);
    const worst = same.reduce((w, o) => (BLOCK_STATE[o.state] === 'fail' || (BLOCK_STATE[o.state] === 'kink' && BLOCK_STATE[w.state] === 'pass') ? o : w));
    const state = BLOCK_STATE[worst.state];
    leaves.push({ from, to, state, margin: finiteOrNull(worst.result.margin) });
    if (worst.state === 'pass') continue;
    let all = true;
    for (let f = from; f < to && all; f++) if (!compared.has(f)) all = false;
    if (all) continue;
    if (worst.state === 'fail') unresolved.fail++;
    else unresolved.other++;
    unresolved.elements += to - from;
  }
  return { leaves, unresolved, unexplained };
}

/**
 * A block whose direction failed, with no failing block and no kink inside it, and no failing or kink element
 * compared inside it: the failure is real (a 'fail' is beyond the noise and beyond what errors within rtol add up
 * to) but the halves did not resolve it — an error spread over the block, or float32 round-off that hides it in
 * smaller blocks and in single elements. Returns the elements of the block not compared one by one, or null when
 * something inside explains the failure.
 */
function unexplainedFailure(inside: JudgedDirection[], from: number, to: number, compared: Map<number, ElementState>): number | null {
  if (inside.some((o) => o.state === 'fail' || o.state === 'kink')) return null;
  let missing = 0;
  for (let f = from; f < to; f++) {
    const state = compared.get(f);
    if (state === undefined) missing++;
    else if (state !== 'pass') return null;
  }
  return missing;
}
