// A vanilla tanh RNN over T steps (cs231n's rnn_forward / rnn_backward) on flat tensors:
// x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b (H) → h (N, T, H). The per-step math is in lib/rnn.ts;
// this file runs it over the sequence and backpropagates through time.
import { layer, randn, type Tensor } from 'gradlens';
import { addInto, setTimeSlice, timeSlice } from './lib/linalg';
import { expectShape, zeros } from './lib/ndarray';
import { rnnStepBackward, rnnStepForward, type RnnStepCache } from './lib/rnn';

export interface RnnCache {
  steps: RnnStepCache[];
  N: number;
  T: number;
  D: number;
  H: number;
}

export function rnnForward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) {
  const [N, T, D] = expectShape('x', x, 3);
  const H = h0.shape[1];
  const h = zeros([N, T, H]);
  const steps: RnnStepCache[] = [];
  let prev: Float64Array = Float64Array.from(h0.data);
  for (let t = 0; t < T; t++) {
    const { next, cache } = rnnStepForward(timeSlice(x.data, N, T, D, t), prev, Wx.data, Wh.data, b.data, { N, D, H });
    setTimeSlice(h.data, next, N, T, H, t);
    steps.push(cache);
    prev = next;
  }
  const cache: RnnCache = { steps, N, T, D, H };
  return { out: h, cache };
}

export function rnnBackward(dh: Tensor, { steps, N, T, D, H }: RnnCache) {
  const dx = zeros([N, T, D]);
  const dWx = zeros([D, H]);
  const dWh = zeros([H, H]);
  const db = zeros([H]);
  // The gradient flowing into h_t from step t+1; nothing flows into the last step from the future.
  let dprev: Float64Array = new Float64Array(N * H);
  for (let t = T - 1; t >= 0; t--) {
    const dnext = timeSlice(dh.data, N, T, H, t);
    addInto(dnext, dprev);
    const g = rnnStepBackward(dnext, steps[t]);
    setTimeSlice(dx.data, g.dx, N, T, D, t);
    addInto(dWx.data, g.dWx);
    addInto(dWh.data, g.dWh);
    addInto(db.data, g.db);
    dprev = g.dprevH;
  }
  return { dx, dh0: { data: dprev, shape: [N, H] }, dWx, dWh, db };
}

export const rnn = layer({
  at: {
    x: randn([2, 3, 4]),
    h0: randn([2, 5], { scale: 0.5 }),
    Wx: randn([4, 5], { scale: 0.4 }),
    Wh: randn([5, 5], { scale: 0.4 }),
    b: randn([5], { scale: 0.1 }),
  },
  forward: ({ x, h0, Wx, Wh, b }) => rnnForward(x, h0, Wx, Wh, b),
  backward: (dh: Tensor, cache: RnnCache) => rnnBackward(dh, cache),
});
