// A declaration's check options, resolved once: the declaration's own settings, overridden by the caller's
// (CLI flags, editor settings), falling back to core/defaults.ts.

import type { Declaration } from '../contract/declarations';
import { hashString } from '../contract/random';
import type { DType } from '../contract/tensor';
import type { Mode } from '../report/types';
import { DEFAULT_DTYPE, DEFAULT_MODE } from '../defaults';
import { precisionFor, type Precision } from '../numerics/precision';
import type { CheckOverrides } from './api';

export interface ResolvedOptions {
  mode: Mode;
  dtype: DType;
  seed: number;
  precision: Precision;
  /** Random upstream gradients a layer is checked with (objectives k). */
  douts: number;
  /** Random directions per tensor in a directional verdict. */
  directions: number;
  /** Elements per tensor checked one by one when the user asked for a sample. */
  sample: number | undefined;
  timeLimitMs: number | undefined;
}

export function resolveOptions(decl: Declaration, name: string, overrides: CheckOverrides = {}): ResolvedOptions {
  const tol = typeof decl.tolerance === 'number' ? { rtol: decl.tolerance } : decl.tolerance;
  const dtype = overrides.dtype ?? decl.dtype ?? DEFAULT_DTYPE;
  const mode = overrides.mode ?? decl.mode ?? DEFAULT_MODE;
  return {
    mode,
    dtype,
    seed: overrides.seed ?? decl.seed ?? hashString(name),
    precision: precisionFor(dtype, { rtol: overrides.rtol ?? tol?.rtol, floor: overrides.floor ?? tol?.floor }),
    // A fast verdict is about cost: one upstream gradient; checks that look at elements use three.
    douts: Math.max(1, Math.min(16, Math.floor(decl.douts ?? (mode === 'fast' ? 1 : 3)))),
    directions: Math.max(1, Math.min(16, Math.floor(decl.directions ?? 2))),
    sample: overrides.sample ?? decl.sample,
    timeLimitMs: overrides.timeLimitMs ?? decl.timeLimit,
  };
}
