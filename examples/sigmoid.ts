// Elementwise sigmoid on a flat tensor. The backward reuses the forward's output: σ'(x) = σ(x)(1 − σ(x)).
import { layer, randn, type Tensor } from 'gradlens';
import { sigmoid as logistic } from './lib/activations';

export const sigmoid = layer({
  at: { x: randn([3, 5], { scale: 2 }) },
  forward: ({ x }) => {
    const out = { data: Float64Array.from(x.data, logistic), shape: x.shape };
    return { out, cache: out };
  },
  backward: (dout: Tensor, out: Tensor) => {
    const dx = new Float64Array(out.data.length);
    for (let i = 0; i < dx.length; i++) dx[i] = dout.data[i] * out.data[i] * (1 - out.data[i]);
    return { dx: { data: dx, shape: out.shape } };
  },
});
