// BUG (regularization missing from the gradient): the loss adds reg·(‖W1‖² + ‖W2‖²) but the backward pass
// forgets the matching 2·reg·W terms. dW1 and dW2 are off by a term proportional to the weights; the biases,
// which are not regularized, are right.
import { model, randint, randn } from 'gradlens';
import { addRow, map, matmul, sumRows, sumSquares, transpose, zip } from '../lib/matrix';
import { softmaxCrossEntropy } from '../lib/softmax';

export const twoLayerNoReg = model({
  params: {
    fc1: { W: randn([4, 6], { nested: true, scale: 0.5 }), b: randn([6], { nested: true, scale: 0.1 }) },
    fc2: { W: randn([6, 3], { nested: true, scale: 0.5 }), b: randn([3], { nested: true, scale: 0.1 }) },
  },
  data: { X: randn([5, 4], { nested: true }), y: randint(0, 3, [5]), reg: 0.05 },
  valueAndGrad: ({ fc1, fc2 }, { X, y, reg }) => {
    const z1 = addRow(matmul(X, fc1.W), fc1.b);
    const h = map(z1, (v) => Math.max(0, v));
    const scores = addRow(matmul(h, fc2.W), fc2.b);
    const { loss: dataLoss, dscores } = softmaxCrossEntropy(scores, y);
    const loss = dataLoss + reg * (sumSquares(fc1.W) + sumSquares(fc2.W));

    const dW2 = matmul(transpose(h), dscores);
    const db2 = sumRows(dscores);
    const dz1 = zip(matmul(dscores, transpose(fc2.W)), z1, (g, z) => (z > 0 ? g : 0));
    const dW1 = matmul(transpose(X), dz1);
    const db1 = sumRows(dz1);
    return { value: loss, grad: { fc1: { dW: dW1, db: db1 }, fc2: { dW: dW2, db: db2 } } };
  },
});
