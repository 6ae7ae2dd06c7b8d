// BUG (sign): σ'(x) written as σ(x)·(σ(x) − 1) instead of σ(x)·(1 − σ(x)). Every element of dx has the right
// magnitude and the wrong sign.
import { layer, randn, type Tensor } from 'gradlens';
import { sigmoid } from '../lib/activations';

export const sigmoidSign = layer({
  at: { x: randn([3, 5], { scale: 2 }) },
  forward: ({ x }) => {
    const out = { data: Float64Array.from(x.data, sigmoid), shape: x.shape };
    return { out, cache: out };
  },
  backward: (dout: Tensor, out: Tensor) => ({
    dx: { data: Float64Array.from(out.data, (s, i) => dout.data[i] * s * (s - 1)), shape: out.shape },
  }),
});
