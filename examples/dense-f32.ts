// A dense tanh layer computed in single precision, the way code meant for WebGL/WebGPU buffers is written:
// every intermediate lives in a Float32Array. dtype 'float32' makes Gradlens materialize the inputs as
// Float32Array and pick step sizes and tolerances for float32 round-off, so this correct code passes.
import { layer, randn, type Tensor } from 'gradlens';

type Tensor32 = Tensor<Float32Array>;

interface DenseCache {
  x: Tensor32;
  w: Tensor32;
  /** tanh(x·w + b), N×M. */
  y: Float32Array;
  N: number;
  D: number;
  M: number;
}

export const denseTanhF32 = layer({
  dtype: 'float32',
  // { dtype: 'float32' } on each input tells TypeScript too that these are Float32Array tensors.
  at: { x: randn([4, 5], { dtype: 'float32' }), w: randn([5, 3], { scale: 0.5, dtype: 'float32' }), b: randn([3], { scale: 0.1, dtype: 'float32' }) },
  forward: ({ x, w, b }) => {
    const [N, D] = x.shape;
    const M = w.shape[1];
    const y = new Float32Array(N * M);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        let z = b.data[m];
        for (let d = 0; d < D; d++) z += x.data[n * D + d] * w.data[d * M + m];
        y[n * M + m] = Math.tanh(z);
      }
    }
    const cache: DenseCache = { x, w, y, N, D, M };
    return { out: { data: y, shape: [N, M] }, cache };
  },
  backward: (dout: Tensor32, { x, w, y, N, D, M }: DenseCache) => {
    const dz = new Float32Array(N * M);
    for (let i = 0; i < N * M; i++) dz[i] = dout.data[i] * (1 - y[i] * y[i]);
    const dx = new Float32Array(N * D);
    const dw = new Float32Array(D * M);
    const db = new Float32Array(M);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        const g = dz[n * M + m];
        db[m] += g;
        for (let d = 0; d < D; d++) {
          dx[n * D + d] += g * w.data[d * M + m];
          dw[d * M + m] += g * x.data[n * D + d];
        }
      }
    }
    return { dx: { data: dx, shape: [N, D] }, dw: { data: dw, shape: [D, M] }, db: { data: db, shape: [M] } };
  },
});
