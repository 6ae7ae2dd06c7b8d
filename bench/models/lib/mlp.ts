// A two-layer fully connected classifier on flat row-major typed arrays: affine → activation (ReLU or tanh) →
// affine → mean softmax cross-entropy, plus L2 on the weights. The loss and the gradient share one forward (the
// cache), the way a hand-written homework net does; the benchmark's model files declare it at four sizes.
//
// `mlp({ activation, bug })` gives a model's loss and grad. With a bug, the gradient is wrong in a known way
// (the loss never is), so the benchmark can ask whether a check catches it and points at the right place:
// one element of a weight gradient off by a factor, or a whole layer's gradient missing its L2 term.
import type { Tensor } from 'gradlens';

export interface Dense {
  /** (in, out), row-major. */
  W: Tensor;
  /** (out). */
  b: Tensor;
}

export interface MlpParams {
  fc1: Dense;
  fc2: Dense;
}

export interface MlpData {
  /** (N, in). */
  X: Tensor;
  /** N integer class labels. */
  y: number[];
  reg: number;
}

export type DenseGrads = { W: Tensor; b: Tensor };
export type MlpGrads = { fc1: DenseGrads; fc2: DenseGrads };

export type Activation = 'relu' | 'tanh';

/** A weight layer of the net. */
export type MlpLayer = 'fc1' | 'fc2';

/** A known mistake in the gradient (the loss stays right). */
export type MlpBug =
  /** The analytic gradient of one element of `layer`.W (flat row-major index) multiplied by `factor`. */
  | { kind: 'element'; layer: MlpLayer; flat: number; factor: number }
  /** The whole of `layer`.W's gradient without the 2·reg·W of the L2 term. */
  | { kind: 'no-l2'; layer: MlpLayer };

export interface MlpOptions {
  /** Hidden activation (default 'relu'). */
  activation?: Activation;
  bug?: MlpBug;
}

/**
 * A seeded random index in [0, size): the first output of mulberry32(seed), scaled. bench/torch_gradcheck.py
 * computes the same index (seeded_index) for its copy of the model.
 */
export function seededIndex(seed: number, size: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return Math.floor(u * size);
}

/** One element of `layer`.W, at a seeded random index of a (rows × cols) weight matrix, 1% off (by default). */
export function elementBug(layer: MlpLayer, shape: [number, number], seed: number, factor = 1.01): MlpBug {
  return { kind: 'element', layer, flat: seededIndex(seed, shape[0] * shape[1]), factor };
}

/** The L2 term missing from the gradient of all of `layer`.W. */
export function noL2Bug(layer: MlpLayer): MlpBug {
  return { kind: 'no-l2', layer };
}

interface MlpCache {
  N: number;
  D: number;
  H: number;
  C: number;
  z1: Float64Array;
  h: Float64Array;
  /** Softmax probabilities, (N, C). */
  probs: Float64Array;
}

/** out (N×M) = A (N×K) · B (K×M) + bias, with the k loop outside j so B is read row by row. */
function affine(A: Float64Array, B: ArrayLike<number>, bias: ArrayLike<number>, N: number, K: number, M: number): Float64Array {
  const out = new Float64Array(N * M);
  for (let i = 0; i < N; i++) {
    const row = i * M;
    for (let j = 0; j < M; j++) out[row + j] = bias[j];
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      if (a === 0) continue; // ReLU zeros: skipping them is what a careful hand-written net does
      const bRow = k * M;
      for (let j = 0; j < M; j++) out[row + j] += a * B[bRow + j];
    }
  }
  return out;
}

function sumSquares(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * data[i];
  return s;
}

function forward(params: MlpParams, data: MlpData, activation: Activation): { loss: number; cache: MlpCache } {
  const [N, D] = data.X.shape;
  const H = params.fc1.W.shape[1];
  const C = params.fc2.W.shape[1];
  const X = data.X.data as Float64Array;
  const z1 = affine(X, params.fc1.W.data, params.fc1.b.data, N, D, H);
  const h = new Float64Array(N * H);
  if (activation === 'tanh') for (let i = 0; i < h.length; i++) h[i] = Math.tanh(z1[i]);
  else for (let i = 0; i < h.length; i++) h[i] = z1[i] > 0 ? z1[i] : 0;
  const probs = affine(h, params.fc2.W.data, params.fc2.b.data, N, H, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    // Shift by the row max so exp never overflows.
    let max = -Infinity;
    for (let j = 0; j < C; j++) max = Math.max(max, probs[i * C + j]);
    let sum = 0;
    for (let j = 0; j < C; j++) {
      const e = Math.exp(probs[i * C + j] - max);
      probs[i * C + j] = e;
      sum += e;
    }
    for (let j = 0; j < C; j++) probs[i * C + j] /= sum;
    loss -= Math.log(probs[i * C + data.y[i]]);
  }
  loss = loss / N + data.reg * (sumSquares(params.fc1.W.data) + sumSquares(params.fc2.W.data));
  return { loss, cache: { N, D, H, C, z1, h, probs } };
}

export function mlpLoss(params: MlpParams, data: MlpData, options: MlpOptions = {}): number {
  return forward(params, data, options.activation ?? 'relu').loss;
}

export function mlpGrad(params: MlpParams, data: MlpData, options: MlpOptions = {}): MlpGrads {
  const activation = options.activation ?? 'relu';
  const bug = options.bug;
  const { cache } = forward(params, data, activation);
  const { N, D, H, C, z1, h, probs } = cache;
  const X = data.X.data;
  const W1 = params.fc1.W.data;
  const W2 = params.fc2.W.data;
  // dscores = (p − one_hot(y)) / N
  const dscores = Float64Array.from(probs);
  for (let i = 0; i < N; i++) dscores[i * C + data.y[i]] -= 1;
  for (let i = 0; i < dscores.length; i++) dscores[i] /= N;

  const dW2 = new Float64Array(H * C);
  const db2 = new Float64Array(C);
  const dz1 = new Float64Array(N * H);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < C; j++) db2[j] += dscores[i * C + j];
    for (let k = 0; k < H; k++) {
      const hk = h[i * H + k];
      let dh = 0;
      for (let j = 0; j < C; j++) {
        const g = dscores[i * C + j];
        if (hk !== 0) dW2[k * C + j] += hk * g;
        dh += g * W2[k * C + j];
      }
      // ReLU passes the gradient only where its input was positive; tanh' = 1 − tanh².
      dz1[i * H + k] = activation === 'tanh' ? dh * (1 - hk * hk) : z1[i * H + k] > 0 ? dh : 0;
    }
  }
  const dW1 = new Float64Array(D * H);
  const db1 = new Float64Array(H);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < H; k++) db1[k] += dz1[i * H + k];
    for (let d = 0; d < D; d++) {
      const x = X[i * D + d];
      const row = d * H;
      const dzRow = i * H;
      for (let k = 0; k < H; k++) dW1[row + k] += x * dz1[dzRow + k];
    }
  }
  // d/dW of reg·‖W‖² is 2·reg·W (unless the bug under test forgets it).
  const grads = { fc1: dW1, fc2: dW2 };
  const weights = { fc1: W1, fc2: W2 };
  for (const layer of ['fc1', 'fc2'] as const) {
    if (bug?.kind === 'no-l2' && bug.layer === layer) continue;
    const dW = grads[layer];
    const W = weights[layer];
    for (let i = 0; i < dW.length; i++) dW[i] += 2 * data.reg * W[i];
  }
  if (bug?.kind === 'element') grads[bug.layer][bug.flat] *= bug.factor;
  return {
    fc1: { W: { data: dW1, shape: [D, H] }, b: { data: db1, shape: [H] } },
    fc2: { W: { data: dW2, shape: [H, C] }, b: { data: db2, shape: [C] } },
  };
}

/** The loss and grad of a model declaration: `model({ params, data, ...mlp({ activation: 'tanh', bug }) })`. */
export function mlp(options: MlpOptions = {}): {
  loss: (params: MlpParams, data: MlpData) => number;
  grad: (params: MlpParams, data: MlpData) => MlpGrads;
} {
  return {
    loss: (params, data) => mlpLoss(params, data, options),
    grad: (params, data) => mlpGrad(params, data, options),
  };
}
