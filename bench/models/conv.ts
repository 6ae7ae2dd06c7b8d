// A 3×3 convolution, stride 1, zero padding 1, on flat NCHW tensors: x (2, 3, 8, 8), four filters w (4, 3, 3, 3),
// bias b (4) → out (2, 4, 8, 8). Direct loops, as a hand-written cs231n conv_forward_naive would be, with the
// padding handled by clipping the kernel window instead of copying x into a padded buffer.
import { layer, randn, type Tensor } from 'gradlens';

const PAD = 1;

interface ConvCache {
  x: Tensor;
  w: Tensor;
}

/** The kernel rows (or columns) [lo, hi) that land inside the input for output position `o`. */
function window(o: number, kernel: number, size: number): [number, number] {
  return [Math.max(0, PAD - o), Math.min(kernel, size + PAD - o)];
}

export function convForward(x: Tensor, w: Tensor, b: Tensor): { out: Tensor; cache: ConvCache } {
  const [N, C, H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  const out = new Float64Array(N * F * H * W);
  const xd = x.data;
  const wd = w.data;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < H; i++) {
        const [di0, di1] = window(i, KH, H);
        for (let j = 0; j < W; j++) {
          const [dj0, dj1] = window(j, KW, W);
          let acc = b.data[f];
          for (let c = 0; c < C; c++) {
            const xBase = (n * C + c) * H;
            const wBase = (f * C + c) * KH;
            for (let di = di0; di < di1; di++) {
              const xRow = (xBase + i + di - PAD) * W + j - PAD;
              const wRow = (wBase + di) * KW;
              for (let dj = dj0; dj < dj1; dj++) acc += xd[xRow + dj] * wd[wRow + dj];
            }
          }
          out[((n * F + f) * H + i) * W + j] = acc;
        }
      }
    }
  }
  return { out: { data: out, shape: [N, F, H, W] }, cache: { x, w } };
}

/** The transpose of the forward loops: each upstream gradient flows back over its receptive field. */
export function convBackward(dout: Tensor, { x, w }: ConvCache) {
  const [N, C, H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  const dx = new Float64Array(x.data.length);
  const dw = new Float64Array(w.data.length);
  const db = new Float64Array(F);
  const xd = x.data;
  const wd = w.data;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < H; i++) {
        const [di0, di1] = window(i, KH, H);
        for (let j = 0; j < W; j++) {
          const [dj0, dj1] = window(j, KW, W);
          const g = dout.data[((n * F + f) * H + i) * W + j];
          db[f] += g;
          for (let c = 0; c < C; c++) {
            const xBase = (n * C + c) * H;
            const wBase = (f * C + c) * KH;
            for (let di = di0; di < di1; di++) {
              const xRow = (xBase + i + di - PAD) * W + j - PAD;
              const wRow = (wBase + di) * KW;
              for (let dj = dj0; dj < dj1; dj++) {
                dx[xRow + dj] += g * wd[wRow + dj];
                dw[wRow + dj] += g * xd[xRow + dj];
              }
            }
          }
        }
      }
    }
  }
  return { dx: { data: dx, shape: [...x.shape] }, dw: { data: dw, shape: [...w.shape] }, db: { data: db, shape: [F] } };
}

export const conv = layer({
  at: {
    x: randn([2, 3, 8, 8]),
    w: randn([4, 3, 3, 3], { scale: 0.3 }),
    b: randn([4], { scale: 0.1 }),
  },
  forward: ({ x, w, b }) => convForward(x, w, b),
  backward: (dout: Tensor, cache: ConvCache) => convBackward(dout, cache),
});
