// BUG (subtle, ~1e-4 relative): the loss guards against log(0) with −log(p + 1e-4), but the gradient is the
// textbook (p − one_hot(y)) / N of the unguarded loss. The true gradient of the guarded loss is that times
// p_y / (p_y + 1e-4), so every element is off by about 1e-4 / p_y: with scores of scale 0.5 every p_y is
// near 1/4, and the error a few parts in 10⁴.
import { fn, randint, randn } from 'gradlens';
import { softmaxRows } from '../lib/softmax';

const LOG_EPS = 1e-4;

export const softmaxLogEps = fn({
  at: { scores: randn([5, 4], { nested: true, scale: 0.5 }), y: randint(0, 4, [5]) },
  f: ({ scores, y }) => {
    const probs = softmaxRows(scores);
    let loss = 0;
    for (let i = 0; i < scores.length; i++) loss -= Math.log(probs[i][y[i]] + LOG_EPS);
    return loss / scores.length;
  },
  grad: ({ scores, y }) => {
    const N = scores.length;
    return { dscores: softmaxRows(scores).map((row, i) => row.map((p, j) => (p - (j === y[i] ? 1 : 0)) / N)) };
  },
});
