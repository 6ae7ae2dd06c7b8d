// BUG (zero gradient): the student treated the initial hidden state as a constant and returns zeros for dh0.
// h0 is an input of the layer and the output depends on it, so its gradient is not zero; everything else
// (dx, dWx, dWh, db) is computed by the full BPTT loop and is right.
import { layer, randn, type Tensor } from 'gradlens';
import { addInto, setTimeSlice, timeSlice } from '../lib/linalg';
import { lstmStepBackward } from '../lib/lstm';
import { zeros } from '../lib/ndarray';
import { lstmForward, type LstmCache } from '../lstm';

function lstmBackward(dout: { h: Tensor; c: Tensor }, { steps, N, T, D, H }: LstmCache) {
  const dx = zeros([N, T, D]);
  const dWx = zeros([D, 4 * H]);
  const dWh = zeros([H, 4 * H]);
  const db = zeros([4 * H]);
  let dprevH: Float64Array = new Float64Array(N * H);
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
  return { dx, dh0: zeros([N, H]), dWx, dWh, db };
}

export const lstmZeroDh0 = layer({
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
