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
}

/** A directional comparison, per objective. */
export interface RawDirection {
  scope: string;
  /** Index into tensors when the direction lies in one tensor. */
  tensor?: number;
  block?: [number, number];
  analytic: number[];
  numeric: number[];
  errEst: number[];
  /** Σ|a_i·u_i| and Σ|u_i|: the per-element tolerances summed along the direction. */
  absDot: number[];
  absSum: number[];
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
}

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
}

export function emptyElements(): RawElements {
  return { count: 0, tensor: [], flat: [], level: [], analytic: [], numeric: [], errEst: [], kink: [], lo: [], hi: [] };
}

/** Concatenates the element columns of several shards (every shard reports the same tensors). */
export function mergeElements(parts: RawElements[]): RawElements {
  const out = emptyElements();
  for (const p of parts) {
    out.count += p.count;
    for (const key of ['tensor', 'flat', 'level', 'analytic', 'numeric', 'errEst', 'kink', 'lo', 'hi'] as const) {
      for (const v of p[key]) out[key].push(v);
    }
  }
  return out;
}
