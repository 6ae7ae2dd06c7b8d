// Batch normalization in training mode on x (16, 32): every column is normalized with its batch mean and
// (biased) variance, then scaled by gamma and shifted by beta. The backward is the compact closed form.
import { layer, randn, type Tensor } from 'gradlens';

const EPS = 1e-5;

interface BatchNormCache {
  xhat: Float64Array;
  gamma: Tensor;
  /** 1 / sqrt(var + eps) per column. */
  invStd: Float64Array;
  N: number;
  D: number;
}

export function batchnormForward(x: Tensor, gamma: Tensor, beta: Tensor): { out: Tensor; cache: BatchNormCache } {
  const [N, D] = x.shape;
  const xd = x.data;
  const xhat = new Float64Array(N * D);
  const out = new Float64Array(N * D);
  const mean = new Float64Array(D);
  const invStd = new Float64Array(D);
  // Row-major sweeps (the inner loop runs along a row) keep the reads sequential.
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) mean[d] += xd[n * D + d];
  for (let d = 0; d < D; d++) mean[d] /= N;
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const c = xd[n * D + d] - mean[d];
      invStd[d] += c * c;
    }
  }
  for (let d = 0; d < D; d++) invStd[d] = 1 / Math.sqrt(invStd[d] / N + EPS);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const i = n * D + d;
      xhat[i] = (xd[i] - mean[d]) * invStd[d];
      out[i] = gamma.data[d] * xhat[i] + beta.data[d];
    }
  }
  return { out: { data: out, shape: [N, D] }, cache: { xhat, gamma, invStd, N, D } };
}

export function batchnormBackward(dout: Tensor, { xhat, gamma, invStd, N, D }: BatchNormCache) {
  const g = dout.data;
  const dgamma = new Float64Array(D);
  const dbeta = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      dbeta[d] += g[n * D + d];
      dgamma[d] += g[n * D + d] * xhat[n * D + d];
    }
  }
  // dx = (γ / (N·σ)) · (N·dout − Σ dout − x̂ · Σ dout·x̂), per column.
  const dx = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const i = n * D + d;
      dx[i] = ((gamma.data[d] * invStd[d]) / N) * (N * g[i] - dbeta[d] - xhat[i] * dgamma[d]);
    }
  }
  return { dx: { data: dx, shape: [N, D] }, dgamma: { data: dgamma, shape: [D] }, dbeta: { data: dbeta, shape: [D] } };
}

export const batchnorm = layer({
  at: {
    x: randn([16, 32], { scale: 2, mean: 1 }),
    gamma: randn([32], { scale: 0.5, mean: 1 }),
    beta: randn([32], { scale: 0.5 }),
  },
  forward: ({ x, gamma, beta }) => batchnormForward(x, gamma, beta),
  backward: (dout: Tensor, cache: BatchNormCache) => batchnormBackward(dout, cache),
});
