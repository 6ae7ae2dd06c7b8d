// The two-layer homework net: 20 inputs, 50 hidden ReLU units, 10 classes, a batch of 16.
import { model, randint, randn } from 'gradlens';
import { mlpGrad, mlpLoss } from './lib/mlp';

export const mlpSmall = model({
  params: {
    // He-style scales keep about half the ReLUs active and the scores O(1).
    fc1: { W: randn([20, 50], { scale: Math.sqrt(2 / 20) }), b: randn([50], { scale: 0.1 }) },
    fc2: { W: randn([50, 10], { scale: Math.sqrt(2 / 50) }), b: randn([10], { scale: 0.1 }) },
  },
  data: { X: randn([16, 20]), y: randint(0, 10, [16]), reg: 0.01 },
  loss: (params, data) => mlpLoss(params, data),
  grad: (params, data) => mlpGrad(params, data),
});
