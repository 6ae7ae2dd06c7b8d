// Batch normalization in training mode (cs231n's batchnorm_forward with mode 'train' and the full
// batchnorm_backward) on a flat (N, D) tensor: each column is normalized with its batch mean and variance.
import { layer, randn, type Tensor } from 'gradlens';
import { expectShape, zeros } from './lib/ndarray';

const EPS = 1e-5;

interface BatchNormCache {
  xhat: Float64Array;
  gamma: Tensor;
  /** 1 / sqrt(var + eps), per column. */
  invStd: Float64Array;
  N: number;
  D: number;
}

export const batchnorm = layer({
  at: {
    x: randn([6, 4], { scale: 2, mean: 1 }),
    gamma: randn([4], { scale: 0.5, mean: 1 }),
    beta: randn([4], { scale: 0.5 }),
  },
  forward: ({ x, gamma, beta }) => {
    const [N, D] = expectShape('x', x, 2);
    const xhat = new Float64Array(N * D);
    const invStd = new Float64Array(D);
    const out = zeros([N, D]);
    for (let d = 0; d < D; d++) {
      let mean = 0;
      for (let n = 0; n < N; n++) mean += x.data[n * D + d];
      mean /= N;
      let variance = 0;
      for (let n = 0; n < N; n++) variance += (x.data[n * D + d] - mean) ** 2;
      variance /= N; // the biased batch variance, as in the paper
      invStd[d] = 1 / Math.sqrt(variance + EPS);
      for (let n = 0; n < N; n++) {
        const i = n * D + d;
        xhat[i] = (x.data[i] - mean) * invStd[d];
        out.data[i] = gamma.data[d] * xhat[i] + beta.data[d];
      }
    }
    const cache: BatchNormCache = { xhat, gamma, invStd, N, D };
    return { out, cache };
  },
  backward: (dout: Tensor, { xhat, gamma, invStd, N, D }: BatchNormCache) => {
    const dx = zeros([N, D]);
    const dgamma = zeros([D]);
    const dbeta = zeros([D]);
    for (let d = 0; d < D; d++) {
      // The compact form of the chain rule through mean and variance:
      // dx = (γ / (N·σ)) · (N·dout − Σ dout − x̂ · Σ dout·x̂)
      let sumDout = 0;
      let sumDoutXhat = 0;
      for (let n = 0; n < N; n++) {
        sumDout += dout.data[n * D + d];
        sumDoutXhat += dout.data[n * D + d] * xhat[n * D + d];
      }
      dbeta.data[d] = sumDout;
      dgamma.data[d] = sumDoutXhat;
      const k = (gamma.data[d] * invStd[d]) / N;
      for (let n = 0; n < N; n++) {
        const i = n * D + d;
        dx.data[i] = k * (N * dout.data[i] - sumDout - xhat[i] * sumDoutXhat);
      }
    }
    return { dx, dgamma, dbeta };
  },
});
