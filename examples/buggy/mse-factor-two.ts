// BUG (factor of 2): the forward uses the Coursera convention J = (1/2N) Σ (pred − target)², but the gradient
// is the one of the plain mean, 2·(pred − target)/N. The analytic gradient is exactly 2× the true one.
import { fn, randn } from 'gradlens';

export const mseFactorTwo = fn({
  at: { pred: randn([6], { nested: true }), target: randn([6], { nested: true }) },
  wrt: ['pred'],
  f: ({ pred, target }) => pred.reduce((s, p, i) => s + (p - target[i]) ** 2, 0) / (2 * pred.length),
  grad: ({ pred, target }) => ({ pred: pred.map((p, i) => (2 * (p - target[i])) / pred.length) }),
});
