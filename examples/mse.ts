// Mean squared error J = (1/N) Σ (pred − target)². Only the prediction is differentiated (wrt), as in a
// regression head; the target is data even though it is float-valued.
import { fn, randn } from 'gradlens';

export const mseLoss = fn({
  at: { pred: randn([6], { nested: true }), target: randn([6], { nested: true }) },
  wrt: ['pred'],
  f: ({ pred, target }) => pred.reduce((s, p, i) => s + (p - target[i]) ** 2, 0) / pred.length,
  grad: ({ pred, target }) => ({ pred: pred.map((p, i) => (2 * (p - target[i])) / pred.length) }),
});
