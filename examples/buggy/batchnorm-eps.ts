// BUG (subtle, ~1e-4 relative): the forward normalizes with sqrt(var + eps), but the backward recomputes the
// standard deviation from the cached variance as sqrt(var) + eps. With a small batch standard deviation (x has
// scale 0.2) the two differ by one to a few parts in 10⁴, so dx is everywhere too large by that small relative
// amount. dgamma and dbeta use the cached x̂ and dout only and are right.
import { layer, randn, type Tensor } from 'gradlens';
import { zeros } from '../lib/ndarray';

const EPS = 1e-5;

interface Cache {
  xhat: Float64Array;
  gamma: Tensor;
  variance: Float64Array;
  N: number;
  D: number;
}

export const batchnormEps = layer({
  at: {
    x: randn([6, 4], { scale: 0.2 }),
    gamma: randn([4], { scale: 0.5, mean: 1 }),
    beta: randn([4], { scale: 0.5 }),
  },
  forward: ({ x, gamma, beta }) => {
    const [N, D] = x.shape;
    const variance = new Float64Array(D);
    const xhat = new Float64Array(N * D);
    const out = zeros([N, D]);
    for (let d = 0; d < D; d++) {
      let mean = 0;
      for (let n = 0; n < N; n++) mean += x.data[n * D + d] / N;
      for (let n = 0; n < N; n++) variance[d] += (x.data[n * D + d] - mean) ** 2 / N;
      const std = Math.sqrt(variance[d] + EPS);
      for (let n = 0; n < N; n++) {
        xhat[n * D + d] = (x.data[n * D + d] - mean) / std;
        out.data[n * D + d] = gamma.data[d] * xhat[n * D + d] + beta.data[d];
      }
    }
    const cache: Cache = { xhat, gamma, variance, N, D };
    return { out, cache };
  },
  backward: (dout: Tensor, { xhat, gamma, variance, N, D }: Cache) => {
    const dx = zeros([N, D]);
    const dgamma = zeros([D]);
    const dbeta = zeros([D]);
    for (let d = 0; d < D; d++) {
      const std = Math.sqrt(variance[d]) + EPS;
      let sumDout = 0;
      let sumDoutXhat = 0;
      for (let n = 0; n < N; n++) {
        sumDout += dout.data[n * D + d];
        sumDoutXhat += dout.data[n * D + d] * xhat[n * D + d];
      }
      dbeta.data[d] = sumDout;
      dgamma.data[d] = sumDoutXhat;
      for (let n = 0; n < N; n++) {
        const i = n * D + d;
        dx.data[i] = (gamma.data[d] / (N * std)) * (N * dout.data[i] - sumDout - xhat[i] * sumDoutXhat);
      }
    }
    return { dx, dgamma, dbeta };
  },
});
