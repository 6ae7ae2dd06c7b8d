// Inverted dropout in training mode: keep each unit with probability p and scale by 1/p, so inference needs
// no rescaling. The mask comes from ctx.random(), which replays identically in every evaluation Gradlens makes;
// with a fresh mask per call the forward would not be a function and no numerical derivative would exist.
import { layer, randn, type Tensor } from 'gradlens';

export const dropout = layer({
  at: { x: randn([4, 5]), p: 0.6 },
  // p is a float too, but it is a hyperparameter: only x is differentiated.
  wrt: ['x'],
  forward: ({ x, p }, ctx) => {
    const mask = Float64Array.from(x.data, () => (ctx.random() < p ? 1 / p : 0));
    const out = { data: Float64Array.from(x.data, (v, i) => v * mask[i]), shape: x.shape };
    return { out, cache: mask };
  },
  backward: (dout: Tensor, mask: Float64Array) => ({
    x: { data: Float64Array.from(dout.data, (g, i) => g * mask[i]), shape: dout.shape },
  }),
});
