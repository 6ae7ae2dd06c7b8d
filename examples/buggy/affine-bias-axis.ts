// BUG (bias gradient over the wrong axis): db sums dout over axis 1 (per example) instead of axis 0 (per output
// unit). The batch size equals the number of outputs (N = M = 4), so the shape is right and the values are not.
import { layer, randn } from 'gradlens';
import { addRow, matmul, sumCols, transpose, type Matrix } from '../lib/matrix';

export const affineBiasAxis = layer({
  at: {
    x: randn([4, 3], { nested: true }),
    w: randn([3, 4], { nested: true }),
    b: randn([4], { nested: true }),
  },
  forward: ({ x, w, b }) => ({ out: addRow(matmul(x, w), b), cache: { x, w } }),
  backward: (dout: Matrix, { x, w }: { x: Matrix; w: Matrix }) => ({
    dx: matmul(dout, transpose(w)),
    dw: matmul(transpose(x), dout),
    db: sumCols(dout),
  }),
});
