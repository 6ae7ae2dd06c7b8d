// BUG (transposed dw): dw is computed as doutᵀ·x instead of xᵀ·dout. With a square w (D = M = 4) the shapes
// still agree, so nothing throws: the gradient of w is exactly the transpose of the right one.
import { layer, randn } from 'gradlens';
import { addRow, matmul, sumRows, transpose, type Matrix } from '../lib/matrix';

export const affineTransposedDw = layer({
  at: {
    x: randn([3, 4], { nested: true }),
    w: randn([4, 4], { nested: true }),
    b: randn([4], { nested: true }),
  },
  forward: ({ x, w, b }) => ({ out: addRow(matmul(x, w), b), cache: { x, w } }),
  backward: (dout: Matrix, { x, w }: { x: Matrix; w: Matrix }) => ({
    dx: matmul(dout, transpose(w)),
    dw: matmul(transpose(dout), x),
    db: sumRows(dout),
  }),
});
