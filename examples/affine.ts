// cs231n's affine_forward / affine_backward on nested arrays: out = x·w + b with x (N×D), w (D×M), b (M).
import { layer, randn } from 'gradlens';
import { addRow, matmul, sumRows, transpose, type Matrix } from './lib/matrix';

export const affine = layer({
  at: {
    x: randn([4, 5], { nested: true }),
    w: randn([5, 3], { nested: true }),
    b: randn([3], { nested: true }),
  },
  forward: ({ x, w, b }) => ({ out: addRow(matmul(x, w), b), cache: { x, w } }),
  // Gradients come back under cs231n's names (dx, dw, db); Gradlens matches them to x, w, b.
  backward: (dout: Matrix, cache: { x: Matrix; w: Matrix }) => ({
    dx: matmul(dout, transpose(cache.w)),
    dw: matmul(transpose(cache.x), dout),
    db: sumRows(dout),
  }),
});
