// 2×2 max pooling with stride 2 on flat NCHW tensors (cs231n's max_pool_forward_naive). The backward routes
// each upstream gradient to the first maximum of its window, the element the forward picked.

import { expectShape, zeros, type NdArray, type Tensor } from './ndarray';

export interface PoolCache {
  /** For each output element, the flat index into x of the element it took. */
  argmax: Int32Array;
  xShape: number[];
}

export function maxPool2x2Forward(x: Tensor): { out: NdArray; cache: PoolCache } {
  const [N, C, H, W] = expectShape('x', x, 4);
  if (H % 2 || W % 2) throw new Error(`maxPool2x2: height and width must be even, got ${H}×${W}`);
  const Ho = H / 2;
  const Wo = W / 2;
  const out = zeros([N, C, Ho, Wo]);
  const argmax = new Int32Array(N * C * Ho * Wo);
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        let best = -Infinity;
        let bestIndex = -1;
        for (let di = 0; di < 2; di++) {
          for (let dj = 0; dj < 2; dj++) {
            const k = (nc * H + 2 * i + di) * W + 2 * j + dj;
            // Strictly greater: on a tie the first element in scan order wins.
            if (x.data[k] > best) {
              best = x.data[k];
              bestIndex = k;
            }
          }
        }
        const o = (nc * Ho + i) * Wo + j;
        out.data[o] = best;
        argmax[o] = bestIndex;
      }
    }
  }
  return { out, cache: { argmax, xShape: [...x.shape] } };
}

export function maxPool2x2Backward(dout: Tensor, cache: PoolCache): { dx: NdArray } {
  const dx = zeros(cache.xShape);
  for (let o = 0; o < cache.argmax.length; o++) dx.data[cache.argmax[o]] += dout.data[o];
  return { dx };
}
