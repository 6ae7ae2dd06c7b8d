// An LSTM over T steps on flat tensors, returning two outputs as a tree: every hidden state h (N, T, H) and
// the final cell state c (N, H) (an encoder hands c to its decoder). The backward therefore receives
// dout = { h, c }: upstream gradients for both, shaped like the outputs.
import { layer, randn, type Tensor } from 'gradlens';
import { addInto, setTimeSlice, timeSlice } from './lib/linalg';
import { lstmStepBackward, lstmStepForward, type LstmStepCache } from './lib/lstm';
import { expectShape, zeros } from './lib/ndarray';

export interface LstmCache {
  steps: LstmStepCache[];
  N: number;
  T: number;
  D: number;
  H: number;
}

export function lstmForward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) {
  const [N, T, D] = expectShape('x', x, 3);
  const H = h0.shape[1];
  const h = zeros([N, T, H]);
  const steps: LstmStepCache[] = [];
  let prevH: Float64Array = Float64Array.from(h0.data);
  // The initial cell state is zero, as in cs231n.
  let prevC: Float64Array = new Float64Array(N * H);
  for (let t = 0; t < T; t++) {
    const step = lstmStepForward(timeSlice(x.data, N, T, D, t), prevH, prevC, Wx.data, Wh.data, b.data, { N, D, H });
    setTimeSlice(h.data, step.nextH, N, T, H, t);
    steps.push(step.cache);
    prevH = step.nextH;
    prevC = step.nextC;
  }
  const cache: LstmCache = { steps, N, T, D, H };
  return { out: { h, c: { data: prevC, shape: [N, H] } }, cache };
}

export function lstmBackward(dout: { h: Tensor; c: Tensor }, { steps, N, T, D, H }: LstmCache) {
  const dx = zeros([N, T, D]);
  const dWx = zeros([D, 4 * H]);
  const dWh = zeros([H, 4 * H]);
  const db = zeros([4 * H]);
  let dprevH: Float64Array = new Float64Array(N * H);
  // The final cell state is an output, so its upstream gradient seeds the cell's backward chain.
  let dprevC: Float64Array = Float64Array.from(dout.c.data);
  for (let t = T - 1; t >= 0; t--) {
    const dnextH = timeSlice(dout.h.data, N, T, H, t);
    addInto(dnextH, dprevH);
    const g = lstmStepBackward(dnextH, dprevC, steps[t]);
    setTimeSlice(dx.data, g.dx, N, T, D, t);
    addInto(dWx.data, g.dWx);
    addInto(dWh.data, g.dWh);
    addInto(db.data, g.db);
    dprevH = g.dprevH;
    dprevC = g.dprevC;
  }
  return { dx, dh0: { data: dprevH, shape: [N, H] }, dWx, dWh, db };
}

export const lstm = layer({
  at: {
    x: randn([2, 3, 3]),
    h0: randn([2, 4], { scale: 0.5 }),
    Wx: randn([3, 16], { scale: 0.4 }),
    Wh: randn([4, 16], { scale: 0.4 }),
    b: randn([16], { scale: 0.1 }),
  },
  forward: ({ x, h0, Wx, Wh, b }) => lstmForward(x, h0, Wx, Wh, b),
  backward: (dout: { h: Tensor; c: Tensor }, cache: LstmCache) => lstmBackward(dout, cache),
});
