// BUG (shape mismatch): db sums dout over axis 1, giving one value per example (N = 2) where b has one per
// output unit (M = 3). Gradlens reports the shape mismatch for b as an error and still checks x and w.
import { layer, randn } from 'gradlens';
import { addRow, matmul, sumCols, transpose, type Matrix } from '../lib/matrix';

export const affineDbShape = layer({
  at: {
    x: randn([2, 4], { nested: true }),
    w: randn([4, 3], { nested: true }),
    b: randn([3], { nested: true }),
  },
  forward: ({ x, w, b }) => ({ out: addRow(matmul(x, w), b), cache: { x, w } }),
  backward: (dout: Matrix, { x, w }: { x: Matrix; w: Matrix }) => ({
    dx: matmul(dout, transpose(w)),
    dw: matmul(transpose(x), dout),
    db: sumCols(dout),
  }),
});
