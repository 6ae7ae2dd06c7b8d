// A 3×3 convolution with stride 1 and zero padding 1 on flat NCHW tensors. Forward and backward live in
// lib/conv.ts; this file only declares the check.
import { layer, randn, type Tensor } from 'gradlens';
import { conv2dBackward, conv2dForward, type ConvCache } from './lib/conv';

export const conv2d = layer({
  at: {
    x: randn([2, 3, 5, 5]),
    w: randn([4, 3, 3, 3], { scale: 0.3 }),
    b: randn([4], { scale: 0.1 }),
  },
  forward: ({ x, w, b }) => conv2dForward(x, w, b, { stride: 1, pad: 1 }),
  backward: (dout: Tensor, cache: ConvCache) => conv2dBackward(dout, cache),
});
