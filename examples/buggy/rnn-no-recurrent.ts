// BUG (missing recurrent term in BPTT): the loop backpropagates each step's own upstream gradient dh[:, t] but
// never adds dprev_h, the gradient that flows back into h_t from step t+1. Only the last step's gradients are
// complete; dx at earlier steps, dh0, dWx, dWh and db all miss the contributions carried through time.
import { layer, randn, type Tensor } from 'gradlens';
import { addInto, setTimeSlice, timeSlice } from '../lib/linalg';
import { zeros } from '../lib/ndarray';
import { rnnStepBackward } from '../lib/rnn';
import { rnnForward, type RnnCache } from '../rnn';

function rnnBackwardNoCarry(dh: Tensor, { steps, N, T, D, H }: RnnCache) {
  const dx = zeros([N, T, D]);
  const dWx = zeros([D, H]);
  const dWh = zeros([H, H]);
  const db = zeros([H]);
  let dprev: Float64Array = new Float64Array(N * H);
  for (let t = T - 1; t >= 0; t--) {
    const g = rnnStepBackward(timeSlice(dh.data, N, T, H, t), steps[t]);
    setTimeSlice(dx.data, g.dx, N, T, D, t);
    addInto(dWx.data, g.dWx);
    addInto(dWh.data, g.dWh);
    addInto(db.data, g.db);
    dprev = g.dprevH;
  }
  return { dx, dh0: { data: dprev, shape: [N, H] }, dWx, dWh, db };
}

export const rnnNoRecurrent = layer({
  at: {
    x: randn([2, 3, 4]),
    h0: randn([2, 5], { scale: 0.5 }),
    Wx: randn([4, 5], { scale: 0.4 }),
    Wh: randn([5, 5], { scale: 0.4 }),
    b: randn([5], { scale: 0.1 }),
  },
  forward: ({ x, h0, Wx, Wh, b }) => rnnForward(x, h0, Wx, Wh, b),
  backward: (dh: Tensor, cache: RnnCache) => rnnBackwardNoCarry(dh, cache),
});
