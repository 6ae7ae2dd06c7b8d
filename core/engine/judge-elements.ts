// Compared elements judged again in the trusted parent, by the same pass rule the worker used: their states,
// the statistics a tensor's result reports (failing, kinks, worst element, largest errors) and the element
// columns the heatmaps draw.

import type { ElementColumns, ElementResult, ElementState } from '../report/types';
import { formatIndex } from '../report/hints';
import { judge, worseState } from '../numerics/verdict';
import type { RawCheck } from './raw';

/** Tensors up to this size list every element in the report (for heatmaps); larger ones a sample. */
export const ELEMENT_CAP = 65_536;

/** A raw number (null for a non-finite value in JSON) back as a number. */
export const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);
export const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function relErr(a: number, n: number): number {
  const d = Math.abs(a - n);
  const m = Math.max(Math.abs(a), Math.abs(n));
  return m > 0 ? d / m : d === 0 ? 0 : Infinity;
}

/** One compared element, judged again from its raw numbers (the objective that decided it). */
export interface Judged {
  /** Row in the raw element columns. */
  row: number;
  flat: number;
  state: ElementState;
  objective: number;
  analytic: number;
  numeric: number;
  errEst: number;
  tolerance: number;
  margin: number;
  lo: number;
  hi: number;
}

/** Every compared element judged by the pass rule, grouped by tensor. */
export function judgeElements(raw: RawCheck): Judged[][] {
  const perTensor: Judged[][] = raw.tensors.map(() => []);
  const { elements, objectives: k, tolerance } = raw;
  for (let e = 0; e < elements.count; e++) {
    let best: Judged | null = null;
    let state: ElementState = 'pass';
    for (let j = 0; j < k; j++) {
      const at = e * k + j;
      const sample = {
        analytic: num(elements.analytic[at]),
        numeric: num(elements.numeric[at]),
        errEst: num(elements.errEst[at]),
        kink: elements.kink[at] === 1,
        lo: num(elements.lo[at]),
        hi: num(elements.hi[at]),
      };
      const verdict = judge(sample, raw.gradientScale[j] ?? 0, tolerance);
      state = worseState(state, verdict.state);
      const candidate: Judged = {
        row: e,
        flat: elements.flat[e],
        state: verdict.state,
        objective: j,
        ...sample,
        tolerance: verdict.tolerance,
        margin: verdict.margin,
      };
      // Report the objective that decided the element: its worst state, then its largest margin.
      if (!best || (verdict.state === state && (best.state !== state || !(best.margin >= verdict.margin)))) best = candidate;
    }
    if (best) perTensor[elements.tensor[e]].push({ ...best, state });
  }
  return perTensor;
}

export function elementResult(j: Judged, shape: number[]): ElementResult {
  const abs = Math.abs(j.analytic - j.numeric);
  const index = shape.length ? formatIndex(j.flat, shape).slice(1, -1).split(', ').map(Number) : [];
  const result: ElementResult = {
    flat: j.flat,
    index,
    analytic: finiteOrNull(j.analytic),
    numeric: finiteOrNull(j.numeric),
    absErr: finiteOrNull(abs),
    relErr: finiteOrNull(relErr(j.analytic, j.numeric)),
    errEst: finiteOrNull(j.errEst),
    tolerance: finiteOrNull(j.tolerance),
    margin: finiteOrNull(j.margin),
    state: j.state,
  };
  if (j.state === 'kink' && Number.isFinite(j.lo) && Number.isFinite(j.hi)) result.oneSided = [j.lo, j.hi];
  return result;
}

/** The report's element columns: every element of a tensor up to ELEMENT_CAP, else the failures and a spread sample. */
export function columns(judged: Judged[], size: number, seed: number): ElementColumns {
  const cols: ElementColumns = { layout: 'all', flat: [], analytic: [], numeric: [], absErr: [], relErr: [], errEst: [], state: [] };
  const push = (flat: number, j: Judged | undefined) => {
    cols.flat.push(flat);
    if (!j) {
      cols.analytic.push(null);
      cols.numeric.push(null);
      cols.absErr.push(null);
      cols.relErr.push(null);
      cols.errEst.push(null);
      cols.state.push('unchecked');
      return;
    }
    cols.analytic.push(finiteOrNull(j.analytic));
    cols.numeric.push(finiteOrNull(j.numeric));
    cols.absErr.push(finiteOrNull(Math.abs(j.analytic - j.numeric)));
    cols.relErr.push(finiteOrNull(relErr(j.analytic, j.numeric)));
    cols.errEst.push(finiteOrNull(j.errEst));
    cols.state.push(j.state);
  };
  if (size <= ELEMENT_CAP) {
    const byFlat = new Map(judged.map((j) => [j.flat, j]));
    for (let f = 0; f < size; f++) push(f, byFlat.get(f));
    return cols;
  }
  // Large tensors: every non-passing element, then an evenly spread selection of the rest, in index order.
  cols.layout = 'sampled';
  const bad = judged.filter((j) => j.state !== 'pass');
  const good = judged.filter((j) => j.state === 'pass');
  const room = Math.max(0, ELEMENT_CAP - bad.length);
  const stride = Math.max(1, good.length / Math.max(1, room));
  const chosen = [...bad.slice(0, ELEMENT_CAP)];
  for (let x = ((seed % 997) / 997) * stride; x < good.length && chosen.length < ELEMENT_CAP; x += stride) chosen.push(good[Math.floor(x)]);
  chosen.sort((a, b) => a.flat - b.flat);
  for (const j of chosen) push(j.flat, j);
  return cols;
}

/** What a tensor's result says about its compared elements. */
export interface ElementStats {
  failing: number;
  nonFinite: number;
  kinks: number;
  /** The first 20 kink elements (flat indices). */
  kinkIndices: number[];
  maxRelErr: number | null;
  maxAbsErr: number | null;
  /** The element that decides the tensor: NaN/Inf, then fail, then kink, then the largest margin. */
  worst: Judged | null;
  /** Elements whose numerical derivative is NaN or infinite at every step tried (a domain edge within a step). */
  undifferentiable: number;
}

export function elementStats(judged: Judged[]): ElementStats {
  const stats: ElementStats = { failing: 0, nonFinite: 0, kinks: 0, kinkIndices: [], maxRelErr: null, maxAbsErr: null, worst: null, undifferentiable: 0 };
  let maxRel = 0;
  let maxAbs = 0;
  const rank = (j: Judged) => (j.state === 'nonfinite' ? 4 : j.state === 'fail' ? 3 : j.state === 'kink' ? 1 : 0);
  for (const j of judged) {
    if (j.state === 'fail' || j.state === 'nonfinite') stats.failing++;
    if (j.state === 'nonfinite') stats.nonFinite++;
    if (j.state === 'unchecked') stats.undifferentiable++;
    if (j.state === 'kink') {
      stats.kinks++;
      if (stats.kinkIndices.length < 20) stats.kinkIndices.push(j.flat);
    }
    // Kinks are expected mismatches: they would make every ReLU layer's error look large.
    if (j.state !== 'kink' && Number.isFinite(j.analytic) && Number.isFinite(j.numeric)) {
      maxRel = Math.max(maxRel, relErr(j.analytic, j.numeric));
      maxAbs = Math.max(maxAbs, Math.abs(j.analytic - j.numeric));
    }
    const w = stats.worst;
    if (!w || rank(j) > rank(w) || (rank(j) === rank(w) && j.margin > w.margin)) stats.worst = j;
  }
  if (judged.length) {
    stats.maxRelErr = maxRel;
    stats.maxAbsErr = maxAbs;
  }
  return stats;
}

/** Parameter values at the compared elements, by flat index (for hints on tensors too large to send whole). */
export function valuesAt(raw: RawCheck, judged: Judged[]): number[] | undefined {
  if (!raw.elements.value?.length) return undefined;
  const values: number[] = [];
  for (const j of judged) values[j.flat] = num(raw.elements.value[j.row]);
  return values;
}
