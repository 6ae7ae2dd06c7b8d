// A two-layer fully connected net (affine → ReLU → affine → softmax) with L2 regularization, as a model:
// parameters grouped by layer, data { X, y, reg } that is not differentiated. valueAndGrad returns the loss and
// the gradient tree together, the way cs231n's TwoLayerNet.loss returns (loss, grads).
import { model, randint, randn } from 'gradlens';
import { addRow, map, matmul, sumRows, sumSquares, transpose, zip, type Matrix } from './lib/matrix';
import { softmaxCrossEntropy } from './lib/softmax';

export interface TwoLayerParams {
  fc1: { W: Matrix; b: number[] };
  fc2: { W: Matrix; b: number[] };
}

export interface Batch {
  X: Matrix;
  y: number[];
  reg: number;
}

// A type alias, not an interface: only aliases are assignable to gradlens' Gradients (an index signature).
export type TwoLayerGrads = {
  fc1: { dW: Matrix; db: number[] };
  fc2: { dW: Matrix; db: number[] };
};

/** The regularized loss and its gradient tree (cs231n's dW/db names at the leaves, matched to W and b). */
export function twoLayerLoss({ fc1, fc2 }: TwoLayerParams, { X, y, reg }: Batch): [number, TwoLayerGrads] {
  const z1 = addRow(matmul(X, fc1.W), fc1.b);
  const h = map(z1, (v) => Math.max(0, v));
  const scores = addRow(matmul(h, fc2.W), fc2.b);
  const { loss: dataLoss, dscores } = softmaxCrossEntropy(scores, y);
  // L2 on the weights only (not the biases): reg·(‖W1‖² + ‖W2‖²), whose gradient is 2·reg·W.
  const loss = dataLoss + reg * (sumSquares(fc1.W) + sumSquares(fc2.W));

  const dW2 = zip(matmul(transpose(h), dscores), fc2.W, (g, w) => g + 2 * reg * w);
  const db2 = sumRows(dscores);
  const dh = matmul(dscores, transpose(fc2.W));
  const dz1 = zip(dh, z1, (g, z) => (z > 0 ? g : 0));
  const dW1 = zip(matmul(transpose(X), dz1), fc1.W, (g, w) => g + 2 * reg * w);
  const db1 = sumRows(dz1);
  return [loss, { fc1: { dW: dW1, db: db1 }, fc2: { dW: dW2, db: db2 } }];
}

export const twoLayerNet = model({
  params: {
    fc1: { W: randn([4, 6], { nested: true, scale: 0.5 }), b: randn([6], { nested: true, scale: 0.1 }) },
    fc2: { W: randn([6, 3], { nested: true, scale: 0.5 }), b: randn([3], { nested: true, scale: 0.1 }) },
  },
  data: { X: randn([5, 4], { nested: true }), y: randint(0, 3, [5]), reg: 0.05 },
  valueAndGrad: (params, data) => twoLayerLoss(params, data),
});
