// Softmax cross-entropy (cs231n's softmax_loss) as a scalar function of the class scores, with the loss and
// its gradient written out separately (f and grad). Labels come from randint: integer data, so only the
// scores are differentiated.
import { fn, randint, randn } from 'gradlens';
import { softmaxRows } from './lib/softmax';

export const softmaxLoss = fn({
  at: { scores: randn([5, 4], { nested: true }), y: randint(0, 4, [5]) },
  f: ({ scores, y }) => {
    const probs = softmaxRows(scores);
    const N = scores.length;
    let loss = 0;
    for (let i = 0; i < N; i++) loss -= Math.log(probs[i][y[i]]);
    return loss / N;
  },
  grad: ({ scores, y }) => {
    const N = scores.length;
    // d/ds of the mean cross-entropy: (softmax − one_hot(y)) / N.
    const dscores = softmaxRows(scores).map((row, i) => row.map((p, j) => (p - (j === y[i] ? 1 : 0)) / N));
    return { scores: dscores };
  },
});
