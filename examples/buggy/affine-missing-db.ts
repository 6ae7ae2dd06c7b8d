// BUG (missing gradient): the backward returns dx and dw but forgets db. Gradlens reports the missing key for
// b as an error and still checks x and w.
import { layer, randn } from 'gradlens';
import { addRow, matmul, transpose, type Matrix } from '../lib/matrix';

export const affineMissingDb = layer({
  at: {
    x: randn([4, 5], { nested: true }),
    w: randn([5, 3], { nested: true }),
    b: randn([3], { nested: true }),
  },
  forward: ({ x, w, b }) => ({ out: addRow(matmul(x, w), b), cache: { x, w } }),
  backward: (dout: Matrix, { x, w }: { x: Matrix; w: Matrix }) => ({
    dx: matmul(dout, transpose(w)),
    dw: matmul(transpose(x), dout),
  }),
});
