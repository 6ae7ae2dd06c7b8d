// A vanilla tanh RNN over T = 10 steps (cs231n's rnn_forward / rnn_backward) with N = 4 sequences, D = 8
// inputs and H = 16 hidden units: x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b (H) → h (N, T, H).
// Backpropagation through time walks the steps in reverse, carrying the gradient into the previous state.
import { layer, randn, type Tensor } from 'gradlens';

interface RnnCache {
  x: Tensor;
  h0: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  /** Every hidden state, (N, T, H): h_t = tanh(x_t·Wx + h_{t−1}·Wh + b). */
  h: Float64Array;
}

export function rnnForward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): { out: Tensor; cache: RnnCache } {
  const [N, T, D] = x.shape;
  const H = h0.shape[1];
  const h = new Float64Array(N * T * H);
  const a = new Float64Array(H);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < H; k++) a[k] = b.data[k];
      const xt = (n * T + t) * D;
      for (let d = 0; d < D; d++) {
        const v = x.data[xt + d];
        for (let k = 0; k < H; k++) a[k] += v * Wx.data[d * H + k];
      }
      // The previous state: h0 at t = 0, else the state this loop wrote one step ago.
      const prev = t === 0 ? h0.data : h;
      const prevAt = t === 0 ? n * H : (n * T + t - 1) * H;
      for (let j = 0; j < H; j++) {
        const v = prev[prevAt + j];
        for (let k = 0; k < H; k++) a[k] += v * Wh.data[j * H + k];
      }
      const ht = (n * T + t) * H;
      for (let k = 0; k < H; k++) h[ht + k] = Math.tanh(a[k]);
    }
  }
  return { out: { data: h, shape: [N, T, H] }, cache: { x, h0, Wx, Wh, h } };
}

export function rnnBackward(dh: Tensor, { x, h0, Wx, Wh, h }: RnnCache) {
  const [N, T, D] = x.shape;
  const H = h0.shape[1];
  const dx = new Float64Array(N * T * D);
  const dh0 = new Float64Array(N * H);
  const dWx = new Float64Array(D * H);
  const dWh = new Float64Array(H * H);
  const db = new Float64Array(H);
  const da = new Float64Array(H);
  const carry = new Float64Array(H);
  for (let n = 0; n < N; n++) {
    carry.fill(0); // nothing flows into the last step from the future
    for (let t = T - 1; t >= 0; t--) {
      const ht = (n * T + t) * H;
      // Through tanh: d(tanh a)/da = 1 − tanh².
      for (let k = 0; k < H; k++) da[k] = (dh.data[ht + k] + carry[k]) * (1 - h[ht + k] * h[ht + k]);
      for (let k = 0; k < H; k++) db[k] += da[k];
      const xt = (n * T + t) * D;
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let k = 0; k < H; k++) {
          dWx[d * H + k] += x.data[xt + d] * da[k];
          s += da[k] * Wx.data[d * H + k];
        }
        dx[xt + d] = s;
      }
      const prev = t === 0 ? h0.data : h;
      const prevAt = t === 0 ? n * H : (n * T + t - 1) * H;
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let k = 0; k < H; k++) {
          dWh[j * H + k] += prev[prevAt + j] * da[k];
          s += da[k] * Wh.data[j * H + k];
        }
        carry[j] = s;
      }
    }
    for (let j = 0; j < H; j++) dh0[n * H + j] = carry[j];
  }
  return {
    dx: { data: dx, shape: [N, T, D] },
    dh0: { data: dh0, shape: [N, H] },
    dWx: { data: dWx, shape: [D, H] },
    dWh: { data: dWh, shape: [H, H] },
    db: { data: db, shape: [H] },
  };
}

export const rnn = layer({
  at: {
    x: randn([4, 10, 8]),
    h0: randn([4, 16], { scale: 0.5 }),
    Wx: randn([8, 16], { scale: 0.3 }),
    Wh: randn([16, 16], { scale: 0.25 }),
    b: randn([16], { scale: 0.1 }),
  },
  forward: ({ x, h0, Wx, Wh, b }) => rnnForward(x, h0, Wx, Wh, b),
  backward: (dh: Tensor, cache: RnnCache) => rnnBackward(dh, cache),
});
