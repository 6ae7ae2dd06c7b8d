// BUG (forward mutates its input): an in-place ReLU, a habit from NumPy's np.maximum(x, 0, out=x). The math is
// right, but every caller's x is clamped behind its back (here the backward's mask still works only because
// relu(x) > 0 exactly where x > 0). Gradlens restores the input before every evaluation, so the gradients are
// still checked and match, and it warns about the mutation.
import { layer, randn } from 'gradlens';
import { zip, type Matrix } from '../lib/matrix';

export const reluInPlace = layer({
  at: { x: randn([4, 6], { nested: true }) },
  forward: ({ x }) => {
    for (const row of x) for (let j = 0; j < row.length; j++) row[j] = Math.max(0, row[j]);
    return x;
  },
  backward: (dout: Matrix, { x }: { x: Matrix }) => ({ dx: zip(dout, x, (g, v) => (v > 0 ? g : 0)) }),
});
