// One LSTM step, forward and backward (cs231n's lstm_step_forward/backward). The 4H pre-activations are
// ordered input, forget, output, candidate: a = x·Wx + prevH·Wh + b, with Wx (D×4H), Wh (H×4H), b (4H).

import { sigmoid } from './activations';
import { colSums, mm, mmT, mTm } from './linalg';

export interface LstmDims {
  N: number;
  D: number;
  H: number;
}

export interface LstmStepCache {
  x: Float64Array;
  prevH: Float64Array;
  prevC: Float64Array;
  /** Gate activations, N×4H in the same layout as the pre-activations. */
  gates: Float64Array;
  /** tanh(nextC), reused by the backward pass. */
  tanhC: Float64Array;
  Wx: ArrayLike<number>;
  Wh: ArrayLike<number>;
  dims: LstmDims;
}

export interface LstmStepGrads {
  dx: Float64Array;
  dprevH: Float64Array;
  dprevC: Float64Array;
  dWx: Float64Array;
  dWh: Float64Array;
  db: Float64Array;
}

export function lstmStepForward(
  x: Float64Array,
  prevH: Float64Array,
  prevC: Float64Array,
  Wx: ArrayLike<number>,
  Wh: ArrayLike<number>,
  b: ArrayLike<number>,
  dims: LstmDims,
): { nextH: Float64Array; nextC: Float64Array; cache: LstmStepCache } {
  const { N, D, H } = dims;
  const G = 4 * H;
  const a = mm(x, Wx, N, D, G);
  const ah = mm(prevH, Wh, N, H, G);
  const gates = new Float64Array(N * G);
  const nextC = new Float64Array(N * H);
  const nextH = new Float64Array(N * H);
  const tanhC = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < G; k++) {
      const pre = a[n * G + k] + ah[n * G + k] + b[k];
      gates[n * G + k] = k < 3 * H ? sigmoid(pre) : Math.tanh(pre);
    }
    for (let h = 0; h < H; h++) {
      const i = gates[n * G + h];
      const f = gates[n * G + H + h];
      const o = gates[n * G + 2 * H + h];
      const g = gates[n * G + 3 * H + h];
      const c = f * prevC[n * H + h] + i * g;
      nextC[n * H + h] = c;
      tanhC[n * H + h] = Math.tanh(c);
      nextH[n * H + h] = o * tanhC[n * H + h];
    }
  }
  return { nextH, nextC, cache: { x, prevH, prevC, gates, tanhC, Wx, Wh, dims } };
}

export function lstmStepBackward(dnextH: ArrayLike<number>, dnextC: ArrayLike<number>, cache: LstmStepCache): LstmStepGrads {
  const { x, prevH, prevC, gates, tanhC, Wx, Wh, dims } = cache;
  const { N, D, H } = dims;
  const G = 4 * H;
  const da = new Float64Array(N * G);
  const dprevC = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      const j = n * H + h;
      const i = gates[n * G + h];
      const f = gates[n * G + H + h];
      const o = gates[n * G + 2 * H + h];
      const g = gates[n * G + 3 * H + h];
      // The cell gradient arrives from the next step directly and through h = o·tanh(c).
      const dc = dnextC[j] + dnextH[j] * o * (1 - tanhC[j] * tanhC[j]);
      dprevC[j] = dc * f;
      da[n * G + h] = dc * g * i * (1 - i);
      da[n * G + H + h] = dc * prevC[j] * f * (1 - f);
      da[n * G + 2 * H + h] = dnextH[j] * tanhC[j] * o * (1 - o);
      da[n * G + 3 * H + h] = dc * i * (1 - g * g);
    }
  }
  return {
    dx: mmT(da, Wx, N, G, D),
    dprevH: mmT(da, Wh, N, G, H),
    dprevC,
    dWx: mTm(x, da, N, D, G),
    dWh: mTm(prevH, da, N, H, G),
    db: colSums(da, N, G),
  };
}
