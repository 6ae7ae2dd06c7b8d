// A wider two-layer net: 100 inputs, 200 hidden ReLU units, 10 classes, a batch of 32 (22 210 parameters).
import { model, randint, randn } from 'gradlens';
import { mlpGrad, mlpLoss } from './lib/mlp';

export const mlpLarge = model({
  params: {
    fc1: { W: randn([100, 200], { scale: Math.sqrt(2 / 100) }), b: randn([200], { scale: 0.1 }) },
    fc2: { W: randn([200, 10], { scale: Math.sqrt(2 / 200) }), b: randn([10], { scale: 0.1 }) },
  },
  data: { X: randn([32, 100]), y: randint(0, 10, [32]), reg: 0.01 },
  loss: (params, data) => mlpLoss(params, data),
  grad: (params, data) => mlpGrad(params, data),
});
