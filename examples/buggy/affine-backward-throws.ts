// BUG (throws): dx is computed as dout·w instead of dout·wᵀ. With D = 5 and M = 3 the inner dimensions do not
// match and lib/matrix's matmul throws; Gradlens reports the exception with its location in the backward.
import { layer, randn } from 'gradlens';
import { addRow, matmul, sumRows, transpose, type Matrix } from '../lib/matrix';

export const affineBackwardThrows = layer({
  at: {
    x: randn([4, 5], { nested: true }),
    w: randn([5, 3], { nested: true }),
    b: randn([3], { nested: true }),
  },
  forward: ({ x, w, b }) => ({ out: addRow(matmul(x, w), b), cache: { x, w } }),
  backward: (dout: Matrix, { x, w }: { x: Matrix; w: Matrix }) => ({
    dx: matmul(dout, w),
    dw: matmul(transpose(x), dout),
    db: sumRows(dout),
  }),
});
