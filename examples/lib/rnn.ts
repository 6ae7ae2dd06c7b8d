// One step of a vanilla (tanh) RNN, forward and backward, as in cs231n's rnn_step_forward/backward.
// Matrices are flat row-major: x (N×D), prevH and next (N×H), Wx (D×H), Wh (H×H), b (H).

import { colSums, mm, mmT, mTm } from './linalg';

export interface RnnDims {
  N: number;
  D: number;
  H: number;
}

export interface RnnStepCache {
  x: Float64Array;
  prevH: Float64Array;
  next: Float64Array;
  Wx: ArrayLike<number>;
  Wh: ArrayLike<number>;
  dims: RnnDims;
}

export interface RnnStepGrads {
  dx: Float64Array;
  dprevH: Float64Array;
  dWx: Float64Array;
  dWh: Float64Array;
  db: Float64Array;
}

export function rnnStepForward(
  x: Float64Array,
  prevH: Float64Array,
  Wx: ArrayLike<number>,
  Wh: ArrayLike<number>,
  b: ArrayLike<number>,
  dims: RnnDims,
): { next: Float64Array; cache: RnnStepCache } {
  const { N, D, H } = dims;
  const xw = mm(x, Wx, N, D, H);
  const hw = mm(prevH, Wh, N, H, H);
  const next = new Float64Array(N * H);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) next[n * H + h] = Math.tanh(xw[n * H + h] + hw[n * H + h] + b[h]);
  return { next, cache: { x, prevH, next, Wx, Wh, dims } };
}

/** dnext is the gradient on this step's output h_t, from the loss at t and from step t+1 together. */
export function rnnStepBackward(dnext: ArrayLike<number>, cache: RnnStepCache): RnnStepGrads {
  const { x, prevH, next, Wx, Wh, dims } = cache;
  const { N, D, H } = dims;
  // tanh'(a) = 1 − tanh(a)², and tanh(a) is the cached output.
  const da = new Float64Array(N * H);
  for (let i = 0; i < N * H; i++) da[i] = dnext[i] * (1 - next[i] * next[i]);
  return {
    dx: mmT(da, Wx, N, H, D),
    dprevH: mmT(da, Wh, N, H, H),
    dWx: mTm(x, da, N, D, H),
    dWh: mTm(prevH, da, N, H, H),
    db: colSums(da, N, H),
  };
}
