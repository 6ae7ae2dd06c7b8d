// BUG (missing 1/N): the loss is averaged over the N = 5 examples, the gradient is not. Every element of the
// analytic gradient is N× too large.
import { fn, randint, randn } from 'gradlens';
import { softmaxRows } from '../lib/softmax';

export const softmaxMissingMean = fn({
  at: { scores: randn([5, 4], { nested: true }), y: randint(0, 4, [5]) },
  f: ({ scores, y }) => {
    const probs = softmaxRows(scores);
    let loss = 0;
    for (let i = 0; i < scores.length; i++) loss -= Math.log(probs[i][y[i]]);
    return loss / scores.length;
  },
  grad: ({ scores, y }) => ({
    dscores: softmaxRows(scores).map((row, i) => row.map((p, j) => p - (j === y[i] ? 1 : 0))),
  }),
});
