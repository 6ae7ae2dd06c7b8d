// BUG (non-deterministic forward): the dropout mask comes from a generator seeded once at module load, so its
// state advances with every call and each evaluation drops different units. The forward is then not a
// function of its inputs and finite differences are meaningless; Gradlens reports the non-determinism.
// The fix is ctx.random() (see ../dropout.ts), which replays the same stream in every evaluation.
import { layer, randn, type Tensor } from 'gradlens';

/** mulberry32: a tiny seeded PRNG, the usual copy-paste when Math.random is not reproducible enough. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(42);

export const dropoutOwnRng = layer({
  at: { x: randn([4, 5]), p: 0.6 },
  wrt: ['x'],
  forward: ({ x, p }) => {
    const mask = Float64Array.from(x.data, () => (rand() < p ? 1 / p : 0));
    return { out: { data: Float64Array.from(x.data, (v, i) => v * mask[i]), shape: x.shape }, cache: mask };
  },
  backward: (dout: Tensor, mask: Float64Array) => ({
    dx: { data: Float64Array.from(dout.data, (g, i) => g * mask[i]), shape: dout.shape },
  }),
});
