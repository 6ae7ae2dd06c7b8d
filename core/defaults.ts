// The defaults of every knob a user can turn, stated once. The engine, the CLI (`gradlens check`), the VS Code
// settings (package.json contributes.configuration, checked against these by test/unit/defaults.test.ts) and the
// docs (README, docs/contract.md) all say and use these numbers. Units are in the names.

import type { DType, Mode } from './report/types';

/** Wall-clock limit of one declaration's check (a declaration's own `timeLimit` option, in ms, wins). */
export const DEFAULT_TIME_LIMIT_S = 60;
export const DEFAULT_TIME_LIMIT_MS = DEFAULT_TIME_LIMIT_S * 1000;

/** Loading a model file (running its top level) gets this long. */
export const LOAD_TIME_LIMIT_MS = 20_000;

/** Memory a checking process may use (V8 heap and resident set, typed arrays included). */
export const DEFAULT_MEMORY_LIMIT_MB = 2048;

/** Checking processes: the number of cores, at most this many. */
export const MAX_DEFAULT_WORKERS = 4;

/** How thoroughly a declaration is checked when it asks for no mode. */
export const DEFAULT_MODE: Mode = 'auto';

/** The precision user code is assumed to compute in. */
export const DEFAULT_DTYPE: DType = 'float64';

/**
 * The pass rule |a − n| ≤ c·err + rtol·max(|a|, |n|) + floor·G, by the precision the code computes in: in float64
 * a 1e-6 relative bug fails, in float32 the round-off of single precision is allowed for.
 */
export const DEFAULT_TOLERANCE: Record<DType, { rtol: number; floor: number; c: number }> = {
  float64: { rtol: 1e-7, floor: 1e-10, c: 10 },
  float32: { rtol: 1e-3, floor: 1e-5, c: 10 },
};
