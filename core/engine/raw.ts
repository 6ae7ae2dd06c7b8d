// What a worker sends back: raw numbers only. Verdicts, hints and statuses are computed from these in the
// trusted parent (core/engine/assemble.ts), so a worker can report what its code computed, never a verdict.

import type { DeclarationKind, DType, Finding, Mode, Tolerance } from '../report/types';

export interface RawTensor {
  path: string;
  group: string;
  gradientKey: string | null;
  shape: number[];
  size: number;
  /** Why the tensor could not be compared (missing gradient, wrong shape). */
  problem?: string;
  /** The parameter's values, for hints that need them (a missing λ·W term); omitted for huge tensors. */
  values?: number[];
  /** Full analytic gradient of objective 0, for whole-tensor hints (transposed, rows, border); omitted when huge. */
  analytic0?: number[];
  /** Why the search stopped narrowing this tensor's failing blocks, when it did. */
  searchStop?: 'budget' | 'spread' | 'time-limit';
}

/** A directional comparison, per objective. */
export interface RawDirection {
  scope: string;
  /** Index into tensors when the direction lies in one tensor. */
  tensor?: number;
  block?: [number, number];
  /** How many elements the direction moves, and its relative step (the top of its Richardson ladder). */
  elements: number;
  step: number;
  analytic: number[];
  numeric: number[];
  errEst: number[];
  /** ‖a∘u‖₂ per objective and ‖u‖₂: what random-sign sums of per-element errors are measured against. */
  l2: number[];
  u2: number[];
  /** The deviation one typical element off by 0.1% would cause, per objective: what it had to resolve. */
  target: number[];
  kink: number[];
  evaluations: number;
}

/** Per-element results as columns; per-objective columns hold count × k values (element-major). */
export interface RawElements {
  count: number;
  tensor: number[];
  flat: number[];
  level: number[];
  analytic: number[];
  numeric: number[];
  errEst: number[];
  kink: number[];
  lo: number[];
  hi: number[];
  /** The parameter's value at each element (for hints on tensors too large to send whole). */
  value: number[];
}

/** Contiguous element ranges [tensor, from, to) still to be checked one by one. */
export type TargetRanges = [tensor: number, from: number, to: number][];

export interface RawCheck {
  name: string;
  kind: DeclarationKind;
  dtype: DType;
  mode: Mode;
  seed: number;
  tolerance: Tolerance;
  eps: number;
  objectives: number;
  gradientScale: number[];
  batchCandidates: number[];
  tensors: RawTensor[];
  directions: RawDirection[];
  elements: RawElements;
  findings: Finding[];
  evaluations: number;
  evaluateMs: number;
  checkMs: number;
  shard: { index: number; count: number };
  /** False when the declaration could not be checked at all (the findings say why). */
  checked: boolean;
  /**
   * Elements the check planned but left for the engine to spread over every worker (a long element-by-element
   * check): the engine runs them as element jobs and merges the results.
   */
  deferred?: TargetRanges;
  /** Milliseconds of one evaluation, measured at the baseline. */
  evaluationMs?: number;
  /** The check stopped at its time budget (what it measured is here; `searchStop`/unchecked say the rest). */
  stoppedEarly?: boolean;
}

/** A raw check with no numbers yet: the frame a worker fills in, or what a declaration that never ran reports. */
export function emptyRawCheck(frame: Pick<RawCheck, 'name' | 'kind' | 'dtype' | 'mode' | 'seed' | 'tolerance' | 'eps' | 'objectives' | 'shard'>): RawCheck {
  return {
    ...frame,
    gradientScale: [],
    batchCandidates: [],
    tensors: [],
    directions: [],
    elements: emptyElements(),
    findings: [],
    evaluations: 0,
    evaluateMs: 0,
    checkMs: 0,
    checked: false,
  };
}

export function emptyElements(): RawElements {
  return { count: 0, tensor: [], flat: [], level: [], analytic: [], numeric: [], errEst: [], kink: [], lo: [], hi: [], value: [] };
}

const ELEMENT_COLUMNS = ['tensor', 'flat', 'level', 'analytic', 'numeric', 'errEst', 'kink', 'lo', 'hi', 'value'] as const;

/** The rows of `elements` from `from` on (per-objective columns hold k values a row): a delta for streaming. */
export function sliceElements(elements: RawElements, from: number, k: number): RawElements {
  const out = emptyElements();
  out.count = elements.count - from;
  for (const key of ELEMENT_COLUMNS) {
    const perObjective = key === 'analytic' || key === 'numeric' || key === 'errEst' || key === 'kink' || key === 'lo' || key === 'hi';
    out[key] = elements[key].slice(perObjective ? from * k : from);
  }
  return out;
}

/** Concatenates the element columns of several shards (every shard reports the same tensors). */
export function mergeElements(parts: RawElements[]): RawElements {
  const out = emptyElements();
  for (const p of parts) {
    out.count += p.count;
    for (const key of ELEMENT_COLUMNS) {
      for (const v of p[key]) out[key].push(v);
    }
  }
  return out;
}

/** Largest tensor or element count a raw check may claim (far above any model a worker can hold in memory). */
const MAX_COUNT = 2 ** 31;

const isCount = (v: unknown, max = MAX_COUNT): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const isList = (v: unknown, length?: number) => Array.isArray(v) && (length === undefined || v.length === length);

/**
 * Whether a raw check from a process that runs untrusted code has the shape the parent's loops rely on: counts
 * that agree with the lengths of their columns, indices in range, objectives in 1–16. A reply that fails this is
 * refused (a forged `elements.count` of 1e9 would otherwise keep the trusted parent busy for minutes).
 */
export function wellFormedRawCheck(value: unknown): value is RawCheck {
  if (typeof value !== 'object' || value === null) return false;
  const raw = value as RawCheck;
  if (!isCount(raw.objectives, 16) || raw.objectives < 1 || !isList(raw.tensors) || !isList(raw.directions) || !isList(raw.findings)) return false;
  const k = raw.objectives;
  if (!raw.tensors.every((t) => typeof t === 'object' && t !== null && isCount(t.size) && isList(t.shape) && typeof t.path === 'string')) return false;
  const e = raw.elements;
  if (typeof e !== 'object' || e === null || !isCount(e.count)) return false;
  const perElement = [e.tensor, e.flat, e.level];
  const perObjective = [e.analytic, e.numeric, e.errEst, e.kink, e.lo, e.hi];
  if (!perElement.every((c) => isList(c, e.count)) || !perObjective.every((c) => isList(c, e.count * k))) return false;
  if (e.value !== undefined && !isList(e.value)) return false;
  for (let i = 0; i < e.count; i++) {
    const t = raw.tensors[e.tensor[i]];
    if (!t || !isCount(e.flat[i]) || e.flat[i] >= t.size) return false;
  }
  return raw.directions.every(
    (d) =>
      typeof d === 'object' &&
      d !== null &&
      [d.analytic, d.numeric, d.errEst, d.kink].every((c) => isList(c, k)) &&
      (d.tensor === undefined || (isCount(d.tensor) && d.tensor < raw.tensors.length)) &&
      (d.block === undefined || (isList(d.block, 2) && isCount(d.block[0]) && isCount(d.block[1]) && d.block[0] <= d.block[1])),
  );
}
