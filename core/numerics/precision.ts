// Steps and tolerances follow the precision the user's code computes in (measured in
// shared/notes/numerics-facts.md: the rule below caught every seeded bug with no false failures).

import { DEFAULT_TOLERANCE } from '../defaults';
import type { DType, Tolerance } from '../report/types';

export interface Precision {
  dtype: DType;
  /** Unit round-off of the user's arithmetic. */
  eps: number;
  /** Relative step of the first, cheap central difference (≈ eps^(1/4): truncation and round-off both far below rtol). */
  firstStep: number;
  /** Relative largest step of the Richardson ladder h, h/2, h/4 (≈ eps^(1/7) for three levels). */
  ladderStep: number;
  tolerance: Tolerance;
}

export const PRECISIONS: Record<DType, Precision> = {
  float64: { dtype: 'float64', eps: 2 ** -52, firstStep: 1e-4, ladderStep: 6e-3, tolerance: DEFAULT_TOLERANCE.float64 },
  float32: { dtype: 'float32', eps: 2 ** -23, firstStep: 2e-2, ladderStep: 0.1, tolerance: DEFAULT_TOLERANCE.float32 },
};

export function precisionFor(dtype: DType, tolerance?: { rtol?: number; floor?: number }): Precision {
  const base = PRECISIONS[dtype];
  return { ...base, tolerance: { ...base.tolerance, ...definedOnly(tolerance) } };
}

function definedOnly(t?: { rtol?: number; floor?: number }): Partial<Tolerance> {
  const out: Partial<Tolerance> = {};
  if (t?.rtol !== undefined && Number.isFinite(t.rtol) && t.rtol >= 0) out.rtol = t.rtol;
  if (t?.floor !== undefined && Number.isFinite(t.floor) && t.floor >= 0) out.floor = t.floor;
  return out;
}
