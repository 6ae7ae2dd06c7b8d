// Turns raw numbers from the workers into the report: verdict per element (the same rule the worker used,
// applied again here in the trusted parent), per tensor, per declaration; hints; a one-line summary.

import type {
  DeclarationReport,
  DirectionResult,
  ElementColumns,
  ElementResult,
  ElementState,
  Finding,
  SourceRange,
  Status,
  TensorResult,
} from '../report/types';
import { REPORT_SCHEMA, REPORT_VERSION } from '../report/types';
import { computeHints, formatIndex } from '../report/hints';
import { hintTag } from '../report/words';
import { directionPasses, directionOutright, judge, worseState } from '../numerics/verdict';
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
      const candidate: Judged = { row: e, flat: elements.flat[e], state: verdict.state, objective: j, ...sample, tolerance: verdict.tolerance, margin: verdict.margin };
      // Report the objective that decided the element: its worst state, then its largest margin.
      if (!best || verdict.state === state && (best.state !== state || !(best.margin >= verdict.margin))) best = candidate;
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
  for (let x = (seed % 997) / 997 * stride; x < good.length && chosen.length < ELEMENT_CAP; x += stride) chosen.push(good[Math.floor(x)]);
  chosen.sort((a, b) => a.flat - b.flat);
  for (const j of chosen) push(j.flat, j);
  return cols;
}

function directionResults(raw: RawCheck, tensorIndex: number): DirectionResult[] {
  const out: DirectionResult[] = [];
  for (const d of raw.directions) {
    if (d.tensor !== undefined && d.tensor !== tensorIndex) continue;
    // One entry per direction: the objective with the largest margin.
    let pick: DirectionResult | null = null;
    for (let j = 0; j < d.analytic.length; j++) {
      const a = num(d.analytic[j]);
      const n = num(d.numeric[j]);
      const err = num(d.errEst[j]);
      const tolerance = raw.tolerance.c * err + directionOutright(num(d.absDot[j]), n, num(d.absSum[j]), raw.gradientScale[j] ?? 0, raw.tolerance);
      const pass = d.kink[j] !== 1 && directionPasses(a, n, err, num(d.absDot[j]), num(d.absSum[j]), raw.gradientScale[j] ?? 0, raw.tolerance);
      const margin = tolerance > 0 ? Math.abs(a - n) / tolerance : Infinity;
      const r: DirectionResult = { scope: d.scope, analytic: a, numeric: n, errEst: err, tolerance, margin: Number.isFinite(margin) ? margin : 1e300, pass };
      if (d.block) r.block = d.block;
      if (!pick || (!r.pass && pick.pass) || (r.pass === pick.pass && r.margin > pick.margin)) pick = r;
    }
    if (pick) out.push(pick);
  }
  return out;
}

function tensorResult(raw: RawCheck, index: number, judged: Judged[], meta: AssembleMeta, stopped: boolean): TensorResult {
  const t = raw.tensors[index];
  const name = displayName(t);
  const directions = directionResults(raw, index);
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
  base.margin = worst ? finiteOrNull(worst.margin) : directions.length ? Math.max(...directions.map((d) => d.margin)) : null;
  base.evaluations = judged.length;
  base.method =
    raw.mode === 'sample' ? 'sample' : judged.length === t.size ? 'elements' : directions.some((d) => d.block) ? 'blocks' : directions.length ? 'directions' : judged.length ? 'elements' : 'none';
  if (judged.length) base.elements = columns(judged, t.size, raw.seed);

  // The narrowest directions decide: a tensor direction that failed (a step through thousands of elements that
  // crosses a ReLU kink, say) is overruled by its blocks when every block passed.
  const blocks = directions.filter((d) => d.block);
  const failedDirection = blocks.length ? blocks.some((d) => !d.pass) : directions.some((d) => !d.pass && d.scope !== 'all');
  if (base.failing) base.status = 'fail';
  else if (stopped && judged.length < t.size && base.method !== 'directions') base.status = 'error';
  else if (failedDirection && !judged.length) base.status = 'fail';
  else if (base.kinks) base.status = 'warn';
  if (base.status === 'fail' || base.nonFinite) {
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
    base.hints = computeHints({
      name,
      shape: t.shape,
      flat: fitted.map((j) => j.flat),
      analytic: fitted.map((j) => num(raw.elements.analytic[j.row * k])),
      numeric: fitted.map((j) => num(raw.elements.numeric[j.row * k])),
      failed: fitted.map((j) => j.state === 'fail' || j.state === 'nonfinite'),
      values: t.values,
      analyticAll: t.analytic0,
      batchCandidates: raw.batchCandidates,
    });
  }
  return base;
}

function formatErr(x: number | null): string {
  return x === null ? '–' : x === 0 ? '0' : x.toExponential(1);
}

function summarize(status: Status, tensors: TensorResult[], findings: Finding[]): string {
  if (status === 'error') {
    const first = findings.find((f) => f.severity === 'error');
    if (first) return first.message;
    const broken = tensors.find((t) => t.status === 'error');
    return broken ? `${broken.gradientKey ?? broken.path}: ${broken.problem ?? 'not checked'}` : 'could not be checked';
  }
  if (status === 'fail') {
    return tensors
      .filter((t) => t.status === 'fail')
      .map((t) => {
        const name = t.gradientKey || t.path;
        const hint = t.hints[0] ? hintTag(t.hints[0]) : `${t.failing} of ${t.checked} elements wrong`;
        return `${name} ${hint} (max rel. err ${formatErr(t.maxRelErr)})`;
      })
      .join('; ');
  }
  const maxRel = Math.max(0, ...tensors.map((t) => t.maxRelErr ?? 0));
  const kinks = tensors.reduce((a, t) => a + t.kinks, 0);
  const directionsOnly = tensors.some((t) => t.method === 'directions');
  const base = `gradients match · max rel. err ${formatErr(maxRel)}${directionsOnly ? ' (some tensors by random directions)' : ''}`;
  if (status === 'warn') {
    const warnings = findings.filter((f) => f.severity === 'warning' && f.code !== 'kink');
    return [kinks ? `${kinks} kink element${kinks > 1 ? 's' : ''} (valid subgradients)` : '', ...warnings.map((w) => w.message), base].filter(Boolean).join(' · ');
  }
  return base;
}

export function assembleReport(raw: RawCheck, meta: AssembleMeta): DeclarationReport {
  const findings = [...raw.findings, ...(meta.extraFindings ?? [])];
  const stopped = findings.some((f) => f.severity === 'error' && !f.tensor);
  const perTensor = judgeElements(raw);
  const tensors = raw.tensors.map((_, i) => tensorResult(raw, i, perTensor[i], meta, stopped));
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
  let status: Status = 'pass';
  if (!raw.checked || findings.some((f) => f.severity === 'error' && !f.tensor)) status = 'error';
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
  };
}
