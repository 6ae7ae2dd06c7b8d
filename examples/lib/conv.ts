// Naive 2-D convolution (cross-correlation, as in cs231n's conv_forward_naive) on flat NCHW tensors.
// x: (N, C, H, W), w: (F, C, HH, WW), b: (F) → out: (N, F, H', W') with H' = 1 + (H + 2·pad − HH) / stride.

import { expectShape, zeros, type NdArray, type Tensor } from './ndarray';

export interface ConvParam {
  stride: number;
  pad: number;
}

export interface ConvCache {
  x: Tensor;
  w: Tensor;
  conv: ConvParam;
}

function outputSize(size: number, kernel: number, conv: ConvParam): number {
  const span = size + 2 * conv.pad - kernel;
  if (span < 0 || span % conv.stride !== 0) throw new Error(`conv: kernel ${kernel} does not tile input ${size} with pad ${conv.pad}, stride ${conv.stride}`);
  return 1 + span / conv.stride;
}

export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, conv: ConvParam): { out: NdArray; cache: ConvCache } {
  const [N, C, H, W] = expectShape('x', x, 4);
  const [F, C2, HH, WW] = expectShape('w', w, 4);
  if (C !== C2) throw new Error(`conv: x has ${C} channels but w expects ${C2}`);
  const Ho = outputSize(H, HH, conv);
  const Wo = outputSize(W, WW, conv);
  const out = zeros([N, F, Ho, Wo]);
  const { stride, pad } = conv;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          let acc = b.data[f];
          for (let c = 0; c < C; c++) {
            for (let di = 0; di < HH; di++) {
              // Rows of the receptive field that land in the zero padding contribute nothing.
              const r = i * stride + di - pad;
              if (r < 0 || r >= H) continue;
              for (let dj = 0; dj < WW; dj++) {
                const s = j * stride + dj - pad;
                if (s < 0 || s >= W) continue;
                acc += x.data[((n * C + c) * H + r) * W + s] * w.data[((f * C + c) * HH + di) * WW + dj];
              }
            }
          }
          out.data[((n * F + f) * Ho + i) * Wo + j] = acc;
        }
      }
    }
  }
  return { out, cache: { x, w, conv } };
}

/** Scatters each upstream gradient back over its receptive field: the transpose of the forward loops. */
export function conv2dBackward(dout: Tensor, cache: ConvCache): { dx: NdArray; dw: NdArray; db: NdArray } {
  const { x, w, conv } = cache;
  const [N, C, H, W] = x.shape;
  const [F, , HH, WW] = w.shape;
  const [, , Ho, Wo] = expectShape('dout', dout, 4);
  const dx = zeros(x.shape);
  const dw = zeros(w.shape);
  const db = zeros([F]);
  const { stride, pad } = conv;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          const g = dout.data[((n * F + f) * Ho + i) * Wo + j];
          db.data[f] += g;
          for (let c = 0; c < C; c++) {
            for (let di = 0; di < HH; di++) {
              const r = i * stride + di - pad;
              if (r < 0 || r >= H) continue;
              for (let dj = 0; dj < WW; dj++) {
                const s = j * stride + dj - pad;
                if (s < 0 || s >= W) continue;
                const xi = ((n * C + c) * H + r) * W + s;
                const wi = ((f * C + c) * HH + di) * WW + dj;
                dx.data[xi] += g * w.data[wi];
                dw.data[wi] += g * x.data[xi];
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}
