// ReLU, twice: on random nested input (no exact zeros, so every element is differentiable and the check
// passes clean) and on a flat tensor with exact zeros, where ReLU has a kink: Gradlens reports those
// elements as kink warnings (the one-sided slopes are 0 and dout, and our 0 is one of them), not failures.
import { layer, randn, tensor, type Tensor } from 'gradlens';
import { map, zip, type Matrix } from './lib/matrix';

export const relu = layer({
  at: { x: randn([4, 6], { nested: true }) },
  forward: ({ x }) => map(x, (v) => Math.max(0, v)),
  // No explicit cache: the backward receives the inputs.
  backward: (dout: Matrix, { x }: { x: Matrix }) => ({ dx: zip(dout, x, (g, v) => (v > 0 ? g : 0)) }),
});

export const reluAtZero = layer({
  at: {
    x: tensor([
      [0.7, 0, -1.2, 0.3],
      [0, -0.4, 2.1, 0],
      [-0.9, 1.5, 0, -0.25],
    ]),
  },
  forward: ({ x }) => ({ data: x.data.map((v) => Math.max(0, v)), shape: x.shape }),
  backward: (dout: Tensor, { x }: { x: Tensor }) => ({
    // cs231n's dx = dout * (x > 0): the subgradient 0 at exactly 0.
    x: { data: dout.data.map((g, i) => (x.data[i] > 0 ? g : 0)), shape: x.shape },
  }),
});
