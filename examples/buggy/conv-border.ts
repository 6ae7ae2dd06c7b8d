// BUG (border): the forward is the correct padded convolution from lib/conv.ts, but the backward, in
// buggy/lib/conv-backward-padded.ts, crops the padded dx one pixel too far on every side, so the border
// pixels of dx get no gradient. dw and db are right.
import { layer, randn, type Tensor } from 'gradlens';
import { conv2dForward, type ConvCache } from '../lib/conv';
import { conv2dBackwardPadded } from './lib/conv-backward-padded';

export const conv2dBorder = layer({
  at: {
    x: randn([2, 3, 5, 5]),
    w: randn([4, 3, 3, 3], { scale: 0.3 }),
    b: randn([4], { scale: 0.1 }),
  },
  forward: ({ x, w, b }) => conv2dForward(x, w, b, { stride: 1, pad: 1 }),
  backward: (dout: Tensor, cache: ConvCache) => conv2dBackwardPadded(dout, cache),
});
