// Turns raw numbers from the workers into the report: verdict per element (the same rule the worker used,
// applied again here in the trusted parent), per tensor, per declaration; hints; a one-line summary.

import type {
  BlockResult,
  DeclarationReport,
  DirectionResult,
  ElementColumns,
  ElementResult,
  ElementState,
  Finding,
  SourceRange,
  Status,
  TensorResult,
  Unchecked,
} from '../report/types';
import { REPORT_SCHEMA, REPORT_VERSION } from '../report/types';
import { computeHints, formatIndex } from '../report/hints';
import { hintTag } from '../report/words';
import { DIRECTION_SEVERITY, judge, judgeDirection, worseState, type DirectionState } from '../numerics/verdict';
import { mergeElements, type RawCheck, type RawTensor } from './raw';

/** Tensors up to this size list every element in the report (for heatmaps); larger ones a sample. */
export const ELEMENT_CAP = 65_536;

export interface AssembleMeta {
  file: string;
  range?: SourceRange;
  /** Where each tensor's gradient is produced (static discovery). */
  sourceOf?: (tensor: RawTensor) => SourceRange | undefined;
  timeMs: number;
  workers: number;
  /** Failures outside the raw numbers (a worker that timed out or ran out of memory). */
  extraFindings?: Finding[];
  /** The check was stopped and `raw` holds what it measured until then. */
  partial?: boolean;
}

/** Combines the shards of one declaration: same tensors; elements, directions and findings concatenated. */
export function mergeShards(parts: RawCheck[]): RawCheck {
  const first = parts.find((p) => p.checked) ?? parts[0];
  const findings: Finding[] = [];
  for (const p of parts) for (const f of p.findings) if (!findings.some((g) => g.code === f.code && g.message === f.message)) findings.push(f);
  return {
    ...first,
    directions: parts.flatMap((p) => p.directions),
    elements: mergeElements(parts.filter((p) => p.checked).map((p) => p.elements)),
    findings,
    evaluations: parts.reduce((a, p) => a + p.evaluations, 0),
    evaluateMs: parts.reduce((a, p) => a + p.evaluateMs, 0),
    checkMs: Math.max(...parts.map((p) => p.checkMs)),
    checked: parts.every((p) => p.checked),
  };
}

const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function relErr(a: number, n: number): number {
  const d = Math.abs(a - n);
  const m = Math.max(Math.abs(a), Math.abs(n));
  return m > 0 ? d / m : d === 0 ? 0 : Infinity;
}

export function displayName(t: RawTensor): string {
  return t.gradientKey || t.path;
}

interface Judged {
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

function judgeElements(raw: RawCheck): Judged[][] {
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

function elementResult(j: Judged, shape: number[]): ElementResult {
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

function columns(judged: Judged[], size: number, seed: number): ElementColumns {
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

interface JudgedDirection {
  result: DirectionResult;
  state: DirectionState;
  tensor?: number;
  block?: [number, number];
}

/** Every direction judged again here from its raw numbers; one entry per direction (its worst objective). */
function judgeDirections(raw: RawCheck): JudgedDirection[] {
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
 * unresolved: a 'fail' leaf fails the tensor from the directions alone.
 */
function searchLeaves(
  blocks: JudgedDirection[],
  checkedFlats: Set<number>,
): { leaves: BlockResult[]; unresolved: { fail: number; other: number; elements: number } } {
  const sorted = [...blocks].sort((a, b) => a.block![0] - b.block![0] || b.block![1] - a.block![1]);
  const leaves: BlockResult[] = [];
  const unresolved = { fail: 0, other: 0, elements: 0 };
  const seen = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    const [from, to] = sorted[i].block!;
    const key = `${from}:${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hasChild = sorted.some((o, k) => k !== i && o.block![0] >= from && o.block![1] <= to && o.block![1] - o.block![0] < to - from);
    if (hasChild) continue;
    // The worst of the directions measured through this block (one per round).
    const same = sorted.filter((o) => o.block![0] === from && o.block![1] === to);
    const worst = same.reduce((w, o) => (BLOCK_STATE[o.state] === 'fail' || (BLOCK_STATE[o.state] === 'kink' && BLOCK_STATE[w.state] === 'pass') ? o : w));
    const state = BLOCK_STATE[worst.state];
    leaves.push({ from, to, state, margin: finiteOrNull(worst.result.margin) });
    if (worst.state === 'pass') continue;
    let all = true;
    for (let f = from; f < to && all; f++) if (!checkedFlats.has(f)) all = false;
    if (all) continue;
    if (worst.state === 'fail') unresolved.fail++;
    else unresolved.other++;
    unresolved.elements += to - from;
  }
  return { leaves, unresolved };
}

function tensorResult(raw: RawCheck, index: number, judged: Judged[], directionsJudged: JudgedDirection[], meta: AssembleMeta, stopped: boolean): TensorResult {
  const t = raw.tensors[index];
  const name = displayName(t);
  const mine = directionsJudged.filter((d) => d.tensor === undefined || d.tensor === index);
  const directions = mine.map((d) => d.result);
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
  };
  const source = meta.sourceOf?.(t);
  if (source) base.source = source;
  if (t.problem) return { ...base, status: 'error', problem: t.problem };

  let maxRel = 0;
  let maxAbs = 0;
  let worst: Judged | null = null;
  const rank = (j: Judged) => (j.state === 'nonfinite' ? 4 : j.state === 'fail' ? 3 : j.state === 'kink' ? 1 : 0);
  for (const j of judged) {
    if (j.state === 'fail' || j.state === 'nonfinite') base.failing++;
    if (j.state === 'nonfinite') base.nonFinite++;
    if (j.state === 'kink') {
      base.kinks++;
      if (base.kinkIndices.length < 20) base.kinkIndices.push(j.flat);
    }
    // Kinks are expected mismatches: they would make every ReLU layer's error look large.
    if (j.state !== 'kink' && Number.isFinite(j.analytic) && Number.isFinite(j.numeric)) {
      maxRel = Math.max(maxRel, relErr(j.analytic, j.numeric));
      maxAbs = Math.max(maxAbs, Math.abs(j.analytic - j.numeric));
    }
    if (!worst || rank(j) > rank(worst) || (rank(j) === rank(worst) && j.margin > worst.margin)) worst = j;
  }
  base.maxRelErr = judged.length ? maxRel : null;
  base.maxAbsErr = judged.length ? maxAbs : null;
  base.worst = worst ? elementResult(worst, t.shape) : null;
  const ownDirections = mine.filter((d) => d.tensor === index);
  base.margin = worst
    ? finiteOrNull(worst.margin)
    : ownDirections.length
      ? Math.max(...ownDirections.map((d) => d.result.margin))
      : directions.length
        ? Math.max(...directions.map((d) => d.margin))
        : null;
  base.evaluations = judged.length;
  base.method =
    raw.mode === 'sample'
      ? 'sample'
      : judged.length === t.size
        ? 'elements'
        : ownDirections.length && judged.length
          ? 'blocks'
          : directions.length
            ? 'directions'
            : judged.length
              ? 'elements'
              : 'none';
  if (judged.length) base.elements = columns(judged, t.size, raw.seed);

  const blockDirections = ownDirections.filter((d) => d.block);
  const { leaves, unresolved } = searchLeaves(blockDirections, new Set(judged.map((j) => j.flat)));
  if (leaves.length) base.blocks = leaves;
  // Cut short before this tensor was narrowed (or its elements all compared), and nothing had cleared it.
  const notReached = !!t.searchStop && !blockDirections.length && judged.length < t.size && !(directions.length && directions.every((d) => d.state === 'pass'));
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
  const collective = !base.failing && !unresolved.fail ? leaves.filter((b) => b.state === 'fail') : [];
  if (collective.length) {
    const failed = blockDirections.filter((d) => d.state === 'fail');
    const ratios = failed.map((d) => d.result.analytic / d.result.numeric).filter(Number.isFinite);
    const k = ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : NaN;
    const consistent = ratios.length > 0 && ratios.every((r) => Math.abs(r - k) <= 1e-2 * Math.abs(k));
    base.hints = [
      consistent
        ? {
            code: 'scaled',
            factor: k,
            support: 1,
            message: `${name} ≈ ${Number(k.toPrecision(3))} × numeric along every random direction: a small factor over the whole tensor, below one element's resolution`,
          }
        : {
            code: 'small-relative',
            support: 1,
            message: `${name} deviates along random directions by more than every element's tolerance adds up to: an error spread thinly over the whole tensor`,
          },
    ];
  }
  if (base.failing || unresolved.fail || collective.length) base.status = 'fail';
  else if (notReached || (stopped && judged.length < t.size && !directions.length)) base.status = 'error';
  else if (base.kinks || unresolved.other) base.status = 'warn';
  if ((base.status === 'fail' && !collective.length) || base.nonFinite) {
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
    if (fitted.length) {
      base.hints = computeHints({
        name,
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
  }
  return base;
}

/** Parameter values at the compared elements, by flat index (for hints on tensors too large to send whole). */
function valuesAt(raw: RawCheck, judged: Judged[]): number[] | undefined {
  if (!raw.elements.value?.length) return undefined;
  const values: number[] = [];
  for (const j of judged) values[j.flat] = num(raw.elements.value[j.row]);
  return values;
}

function formatErr(x: number | null): string {
  return x === null ? '–' : x === 0 ? '0' : x.toExponential(1);
}

function summarize(status: Status, tensors: TensorResult[], findings: Finding[]): string {
  if (status === 'error') {
    const first = findings.find((f) => f.severity === 'error');
    if (first) return first.message;
    const broken = tensors.find((t) => t.status === 'error');
    return broken
      ? `${broken.gradientKey ?? broken.path}: ${broken.problem ?? (broken.unchecked ? 'not checked within the time budget' : 'not checked')}`
      : 'could not be checked';
  }
  if (status === 'fail') {
    return tensors
      .filter((t) => t.status === 'fail')
      .map((t) => {
        const name = t.gradientKey || t.path;
        const blocks = t.blocks?.filter((b) => b.state === 'fail').length ?? 0;
        const what = t.hints[0]
          ? hintTag(t.hints[0])
          : t.failing
            ? `${t.failing} of ${t.checked} elements wrong`
            : `wrong along ${blocks > 1 ? `${blocks} blocks' directions` : 'random directions'}`;
        // NaN/Inf elements have no relative error: a 'max rel. err' of the finite rest would read as agreement.
        if (t.nonFinite) return `${name} ${what} (${t.nonFinite} NaN/Inf element${t.nonFinite > 1 ? 's' : ''})`;
        return t.checked ? `${name} ${what} (max rel. err ${formatErr(t.maxRelErr)})` : `${name} ${what} (directions only)`;
      })
      .join('; ');
  }
  const compared = tensors.filter((t) => t.checked > 0);
  const byDirections = tensors.filter((t) => t.checked === 0 && t.method === 'directions').length;
  const maxRel = Math.max(0, ...compared.map((t) => t.maxRelErr ?? 0));
  const base = compared.length
    ? `gradients match · max rel. err ${formatErr(maxRel)}${byDirections ? ` (${byDirections} tensor${byDirections > 1 ? 's' : ''} by directions only)` : ''}`
    : 'gradients match along random directions (directions only)';
  const unchecked = tensors.filter((t) => t.unchecked).length;
  const kinks = tensors.reduce((a, t) => a + t.kinks, 0);
  if (status === 'warn') {
    const warnings = findings.filter((f) => f.severity === 'warning' && f.code !== 'kink');
    return [
      kinks ? `${kinks} kink element${kinks > 1 ? 's' : ''} (valid subgradients)` : '',
      unchecked ? `${unchecked} tensor${unchecked > 1 ? 's' : ''} not fully narrowed (kinks on the way)` : '',
      ...warnings.map((w) => w.message),
      base,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  return base;
}

export function assembleReport(raw: RawCheck, meta: AssembleMeta): DeclarationReport {
  const findings = [...raw.findings, ...(meta.extraFindings ?? [])];
  const stopped = findings.some((f) => f.severity === 'error' && !f.tensor);
  const perTensor = judgeElements(raw);
  const directions = judgeDirections(raw);
  const tensors = raw.tensors.map((_, i) => tensorResult(raw, i, perTensor[i], directions, meta, stopped));
  if (meta.partial || raw.stoppedEarly) {
    const unchecked = tensors.filter((t) => t.unchecked);
    if (unchecked.length) {
      findings.push({
        severity: 'info',
        code: 'partial',
        message: `${meta.partial ? 'stopped before the end' : 'the time budget ended the check'}: ${unchecked
          .map((t) => {
            const u = t.unchecked!;
            const elements = `${u.elements.toLocaleString('en-US')} element${u.elements > 1 ? 's' : ''}`;
            return u.blocks
              ? `${t.gradientKey || t.path} has ${elements} in ${u.blocks} deviating block${u.blocks > 1 ? 's' : ''} not narrowed to elements`
              : `${t.gradientKey || t.path}: ${elements} not compared`;
          })
          .join('; ')}`,
      });
    }
  }
  for (const t of tensors) {
    if (t.kinks) {
      findings.push({
        severity: 'warning',
        code: 'kink',
        tensor: t.path,
        message: `${t.kinks} element${t.kinks > 1 ? 's' : ''} of ${t.gradientKey || t.path} sit at a kink (ReLU at 0, a max tie, |x| at 0): the one-sided slopes differ and the analytic value lies between them`,
      });
    }
  }
  // A gradient that is zero because the code zeroed its own inputs in place is a mutation, not a missing write.
  const mutation = findings.find((f) => f.code === 'mutates-input');
  if (mutation) {
    for (const t of tensors) {
      const cols = t.elements;
      const failing = cols ? cols.state.flatMap((st, i) => (st === 'fail' ? [cols.analytic[i]] : [])) : [];
      // Every failing element 0 (other patterns, like a fitted λ·W, can fit zeros by accident).
      if (!failing.length || failing.some((a) => a !== 0)) continue;
      t.hints = [
        {
          code: 'zero',
          support: 1,
          message: `${t.gradientKey || t.path} is 0 where the numerical gradient is not, and the code writes into its inputs (${mutation.message.split(';')[0]}): it zeroed data it still needed; copy an input before changing it`,
        },
      ];
    }
  }
  let status: Status = 'pass';
  // A check stopped at its limit keeps its verdict when what it measured already shows a wrong gradient.
  const measuredFail = !!meta.partial && tensors.some((t) => t.status === 'fail');
  if (measuredFail) status = 'fail';
  else if (!raw.checked || findings.some((f) => f.severity === 'error' && !f.tensor)) status = 'error';
  else if (tensors.some((t) => t.status === 'fail')) status = 'fail';
  else if (tensors.some((t) => t.status === 'error') || findings.some((f) => f.severity === 'error')) status = 'error';
  else if (tensors.some((t) => t.status === 'warn') || findings.some((f) => f.severity === 'warning')) status = 'warn';
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    name: raw.name,
    kind: raw.kind,
    file: meta.file,
    ...(meta.range ? { range: meta.range } : {}),
    status,
    summary: summarize(status, tensors, findings),
    mode: raw.mode,
    dtype: raw.dtype,
    seed: raw.seed,
    tolerance: raw.tolerance,
    gradientScale: raw.gradientScale,
    objectives: raw.objectives,
    tensors,
    findings,
    evaluations: raw.evaluations,
    forwardMs: raw.evaluations > 2 ? raw.evaluateMs / Math.max(1, raw.evaluations - 2) : null,
    timeMs: meta.timeMs,
    checkMs: raw.checkMs,
    workers: meta.workers,
    ...(meta.partial ? { partial: true } : {}),
  };
}
