// The same two-layer net the way cs231n's neural_net.py stores it: one flat parameter dict
// { W1, b1, W2, b2 } of flat tensors. Gradlens groups such parameters into layers by their trailing number
// (layer 1: W1, b1; layer 2: W2, b2). Loss and gradient are separate functions sharing one forward pass.
import { model, randint, randn, type Tensor } from 'gradlens';
import { colSums, mm, mmT, mTm } from './lib/linalg';

interface Params {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
}

interface Data {
  X: Tensor;
  y: number[];
  reg: number;
}

function forwardPass({ W1, b1, W2, b2 }: Params, X: Tensor) {
  const [N, D] = X.shape;
  const H = b1.shape[0];
  const C = b2.shape[0];
  const z1 = mm(X.data, W1.data, N, D, H);
  for (let i = 0; i < N * H; i++) z1[i] += b1.data[i % H];
  const h = z1.map((v) => Math.max(0, v));
  const scores = mm(h, W2.data, N, H, C);
  for (let i = 0; i < N * C; i++) scores[i] += b2.data[i % C];
  // Softmax probabilities, each row shifted by its max.
  const probs = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, scores[n * C + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += probs[n * C + c] = Math.exp(scores[n * C + c] - max);
    for (let c = 0; c < C; c++) probs[n * C + c] /= sum;
  }
  return { N, D, H, C, z1, h, probs };
}

function l2(t: Tensor): number {
  let s = 0;
  for (const v of t.data) s += v * v;
  return s;
}

export const twoLayerNetFlat = model({
  params: {
    W1: randn([4, 5], { scale: 0.5 }),
    b1: randn([5], { scale: 0.1 }),
    W2: randn([5, 3], { scale: 0.5 }),
    b2: randn([3], { scale: 0.1 }),
  },
  data: { X: randn([6, 4]), y: randint(0, 3, [6]), reg: 0.1 },
  loss: (params: Params, { X, y, reg }: Data) => {
    const { N, C, probs } = forwardPass(params, X);
    let loss = 0;
    for (let n = 0; n < N; n++) loss -= Math.log(probs[n * C + y[n]]);
    // cs231n's convention here: reg·Σ W², so the gradient term is 2·reg·W.
    return loss / N + reg * (l2(params.W1) + l2(params.W2));
  },
  grad: (params: Params, { X, y, reg }: Data) => {
    const { N, D, H, C, z1, h, probs } = forwardPass(params, X);
    const dscores = probs.map((p, i) => (p - (i % C === y[Math.floor(i / C)] ? 1 : 0)) / N);
    const dW2 = mTm(h, dscores, N, H, C);
    for (let i = 0; i < H * C; i++) dW2[i] += 2 * reg * params.W2.data[i];
    const dh = mmT(dscores, params.W2.data, N, C, H);
    const dz1 = dh.map((g, i) => (z1[i] > 0 ? g : 0));
    const dW1 = mTm(X.data, dz1, N, D, H);
    for (let i = 0; i < D * H; i++) dW1[i] += 2 * reg * params.W1.data[i];
    return {
      W1: { data: dW1, shape: [D, H] },
      b1: { data: colSums(dz1, N, H), shape: [H] },
      W2: { data: dW2, shape: [H, C] },
      b2: { data: colSums(dscores, N, C), shape: [C] },
    };
  },
});
