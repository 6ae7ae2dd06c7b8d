// A conv backward written the "pad, convolve, crop" way (see ../conv-border.ts). It works on an explicitly
// padded copy of x, which gets dw right, and then crops the padded dx back to H×W.
//
// BUG (border): the crop skips `pad` rows and columns on each side of the *unpadded* grid as well, as if the
// padding were still there: it copies only rows/columns pad..H−pad−1 of dx. The border pixels of dx are left
// at zero; the interior, dw and db are correct.

import type { ConvCache } from '../../lib/conv';
import { zeros, type NdArray, type Tensor } from '../../lib/ndarray';

function padInput(x: Tensor, pad: number): NdArray {
  const [N, C, H, W] = x.shape;
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  const xp = zeros([N, C, Hp, Wp]);
  for (let nc = 0; nc < N * C; nc++) {
    for (let r = 0; r < H; r++) for (let s = 0; s < W; s++) xp.data[(nc * Hp + r + pad) * Wp + s + pad] = x.data[(nc * H + r) * W + s];
  }
  return xp;
}

export function conv2dBackwardPadded(dout: Tensor, { x, w, conv }: ConvCache): { dx: NdArray; dw: NdArray; db: NdArray } {
  const [N, C, H, W] = x.shape;
  const [F, , HH, WW] = w.shape;
  const [, , Ho, Wo] = dout.shape;
  const { stride, pad } = conv;
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  const xp = padInput(x, pad);
  const dxp = zeros(xp.shape);
  const dw = zeros(w.shape);
  const db = zeros([F]);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          const g = dout.data[((n * F + f) * Ho + i) * Wo + j];
          db.data[f] += g;
          for (let c = 0; c < C; c++) {
            for (let di = 0; di < HH; di++) {
              for (let dj = 0; dj < WW; dj++) {
                const pi = ((n * C + c) * Hp + i * stride + di) * Wp + j * stride + dj;
                const wi = ((f * C + c) * HH + di) * WW + dj;
                dxp.data[pi] += g * w.data[wi];
                dw.data[wi] += g * xp.data[pi];
              }
            }
          }
        }
      }
    }
  }
  const dx = zeros(x.shape);
  for (let nc = 0; nc < N * C; nc++) {
    for (let r = pad; r < H - pad; r++) {
      for (let s = pad; s < W - pad; s++) dx.data[(nc * H + r) * W + s] = dxp.data[(nc * Hp + r + pad) * Wp + s + pad];
    }
  }
  return { dx, dw, db };
}
