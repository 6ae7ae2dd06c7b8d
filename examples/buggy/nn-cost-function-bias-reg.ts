// BUG (regularized bias weights in the gradient only): a classic ex4 mistake. The cost correctly skips the
// first column of Theta1 and Theta2 (the bias weights), but the gradient adds (lambda/m)·Theta to every column.
// Only the 8 bias entries of the unrolled gradient are wrong, each by (lambda/m) times its weight.
import { fn, randint, randn } from 'gradlens';
import { sigmoid } from '../lib/activations';
import { oneHot, reshape, unroll, withBias } from '../lib/coursera';
import { map, matmul, transpose, zip } from '../lib/matrix';

const INPUT_LAYER_SIZE = 3;
const HIDDEN_LAYER_SIZE = 5;
const NUM_LABELS = 3;
const M = 6;

function nnCostFunction(nnParams: number[], X: number[][], y: number[], lambda: number): [number, number[]] {
  const Theta1 = reshape(nnParams, 0, HIDDEN_LAYER_SIZE, INPUT_LAYER_SIZE + 1);
  const Theta2 = reshape(nnParams, HIDDEN_LAYER_SIZE * (INPUT_LAYER_SIZE + 1), NUM_LABELS, HIDDEN_LAYER_SIZE + 1);
  const m = X.length;

  const a1 = withBias(X);
  const z2 = matmul(a1, transpose(Theta1));
  const a2 = withBias(map(z2, sigmoid));
  const h = map(matmul(a2, transpose(Theta2)), sigmoid);
  const Y = oneHot(y, NUM_LABELS);

  let J = 0;
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < NUM_LABELS; k++) J += -Y[i][k] * Math.log(h[i][k]) - (1 - Y[i][k]) * Math.log(1 - h[i][k]);
  }
  J /= m;
  let reg = 0;
  for (const Theta of [Theta1, Theta2]) for (const row of Theta) for (let j = 1; j < row.length; j++) reg += row[j] ** 2;
  J += (lambda / (2 * m)) * reg;

  const d3 = zip(h, Y, (hk, yk) => hk - yk);
  const d2 = zip(
    matmul(d3, Theta2).map((row) => row.slice(1)),
    z2,
    (g, z) => g * sigmoid(z) * (1 - sigmoid(z)),
  );
  const Theta1Grad = zip(
    map(matmul(transpose(d2), a1), (g) => g / m),
    Theta1,
    (g, t) => g + (lambda / m) * t,
  );
  const Theta2Grad = zip(
    map(matmul(transpose(d3), a2), (g) => g / m),
    Theta2,
    (g, t) => g + (lambda / m) * t,
  );
  return [J, unroll(Theta1Grad, Theta2Grad)];
}

export const nnCostBiasReg = fn({
  at: {
    nnParams: randn([HIDDEN_LAYER_SIZE * (INPUT_LAYER_SIZE + 1) + NUM_LABELS * (HIDDEN_LAYER_SIZE + 1)], { nested: true, scale: 0.5 }),
    X: randn([M, INPUT_LAYER_SIZE], { nested: true }),
    y: randint(1, NUM_LABELS + 1, [M]),
    lambda: 1,
  },
  wrt: ['nnParams'],
  valueAndGrad: ({ nnParams, X, y, lambda }) => {
    const [J, grad] = nnCostFunction(nnParams, X, y, lambda);
    return [J, { nnParams: grad }];
  },
});
