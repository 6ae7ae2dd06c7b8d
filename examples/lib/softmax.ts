// Softmax and the mean softmax cross-entropy on nested (N×C) scores, shared by the two-layer nets.

import type { Matrix } from './matrix';

/** Row-wise softmax, shifted by the row max so exp never overflows. */
export function softmaxRows(scores: Matrix): Matrix {
  return scores.map((row) => {
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
}

/** Mean cross-entropy of integer labels y under softmax(scores), and its gradient (p − one_hot(y)) / N. */
export function softmaxCrossEntropy(scores: Matrix, y: number[]): { loss: number; dscores: Matrix } {
  const N = scores.length;
  const probs = softmaxRows(scores);
  let loss = 0;
  for (let i = 0; i < N; i++) loss -= Math.log(probs[i][y[i]]);
  const dscores = probs.map((row, i) => row.map((p, j) => (p - (j === y[i] ? 1 : 0)) / N));
  return { loss: loss / N, dscores };
}
