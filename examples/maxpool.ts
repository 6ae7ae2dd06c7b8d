// 2×2 max pooling. `maxPool` runs on random input (no ties: clean pass). `maxPoolTies` has windows whose
// maximum appears twice: there max is not differentiable, the gradient goes to one of the tied elements, and
// Gradlens reports kink warnings because our value matches one of the one-sided slopes.
import { layer, randn, tensor, type Tensor } from 'gradlens';
import { maxPool2x2Backward, maxPool2x2Forward, type PoolCache } from './lib/pool';

export const maxPool = layer({
  at: { x: randn([2, 3, 4, 4]) },
  forward: ({ x }) => maxPool2x2Forward(x),
  backward: (dout: Tensor, cache: PoolCache) => maxPool2x2Backward(dout, cache),
});

export const maxPoolTies = layer({
  at: {
    x: tensor(
      [
        // Window (0,0) ties 0.9 with 0.9; window (0,1) has a clear maximum; window (1,0) ties 1.2 three ways;
        // window (1,1) ties two negative values.
        0.9, 0.9, 0.1, -0.3, 0.2, -0.5, 0.8, 0.4, 1.2, 1.2, -0.7, -0.2, 1.2, 0.3, -0.6, -0.2,
      ],
      [1, 1, 4, 4],
    ),
  },
  forward: ({ x }) => maxPool2x2Forward(x),
  backward: (dout: Tensor, cache: PoolCache) => maxPool2x2Backward(dout, cache),
});
