// Elementwise tanh on nested arrays; tanh'(x) = 1 − tanh(x)², computed from the cached output.
import { layer, randn } from 'gradlens';
import { map, zip, type Matrix } from './lib/matrix';

export const tanh = layer({
  at: { x: randn([4, 3], { nested: true, scale: 1.5 }) },
  forward: ({ x }) => {
    const out = map(x, Math.tanh);
    return { out, cache: out };
  },
  backward: (dout: Matrix, out: Matrix) => ({ dx: zip(dout, out, (g, y) => g * (1 - y * y)) }),
});
