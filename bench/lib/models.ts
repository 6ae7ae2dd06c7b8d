// The reference models of the benchmark: one declaration per file under bench/models/, and the id under which
// bench/torch_gradcheck.py builds the same model in PyTorch. The large models (about 10^5 and 10^6 parameters)
// are measured apart: end to end only, each next to two buggy copies of itself.

import * as path from 'node:path';

export interface BenchModel {
  /** Shared with torch_gradcheck.py. */
  id: string;
  label: string;
  file: string;
  exportName: string;
}

const MODELS_DIR = path.resolve(__dirname, '..', 'models');

export const BENCH_MODELS: BenchModel[] = [
  { id: 'mlp-20-50-10', label: 'MLP 20-50-10, batch 16', file: 'mlp-20-50-10.ts', exportName: 'mlpSmall' },
  { id: 'mlp-100-200-10', label: 'MLP 100-200-10, batch 32', file: 'mlp-100-200-10.ts', exportName: 'mlpLarge' },
  { id: 'conv', label: 'conv 2×3×8×8, 4 3×3 filters, pad 1', file: 'conv.ts', exportName: 'conv' },
  { id: 'batchnorm', label: 'batch norm 16×32', file: 'batchnorm.ts', exportName: 'batchnorm' },
  { id: 'rnn', label: 'RNN T=10 N=4 D=8 H=16', file: 'rnn.ts', exportName: 'rnn' },
].map((m) => ({ ...m, file: path.join(MODELS_DIR, m.file) }));

/** A large model file: the correct declaration and two with a known bug in the gradient of `tensor`. */
export interface LargeModel {
  /** Shared with torch_gradcheck.py. */
  id: string;
  label: string;
  file: string;
  /** The correct model. */
  correct: string;
  /** One element of `tensor`'s gradient 1% off; its flat index is the file's export `bugExport`.flat. */
  oneElementOff: string;
  /** The L2 term missing from the whole of `tensor`'s gradient. */
  noL2: string;
  bugExport: string;
  /** The parameter the bugs are in. */
  tensor: string;
}

export const LARGE_MODELS: LargeModel[] = [
  {
    id: 'mlp-784-1258-10',
    label: 'MLP 784-1258-10 tanh, batch 16',
    file: 'mlp-784-1258-10.ts',
    correct: 'mlp1M',
    oneElementOff: 'mlp1MOneElementOff',
    noL2: 'mlp1MNoL2',
    bugExport: 'ONE_ELEMENT_OFF',
    tensor: 'fc1.W',
  },
  {
    id: 'mlp-784-256-10-relu',
    label: 'MLP 784-256-10 ReLU, batch 16',
    file: 'mlp-784-256-10-relu.ts',
    correct: 'mlp200k',
    oneElementOff: 'mlp200kOneElementOff',
    noL2: 'mlp200kNoL2',
    bugExport: 'ONE_ELEMENT_OFF',
    tensor: 'fc1.W',
  },
].map((m) => ({ ...m, file: path.join(MODELS_DIR, m.file) }));

/**
 * The two-layer homework nets that should be checked end to end in under 50 ms: the benchmark's 20-50-10 net,
 * and the cs231n-style net of examples/ (4-6-3, nested arrays), when that file is there.
 */
export const HOMEWORK_NETS: { label: string; file: string; exportName: string }[] = [
  { label: 'MLP 20-50-10 (bench/models)', file: path.join(MODELS_DIR, 'mlp-20-50-10.ts'), exportName: 'mlpSmall' },
  {
    label: 'two-layer net 4-6-3 (examples/two-layer-net.ts)',
    file: path.resolve(__dirname, '..', '..', 'examples', 'two-layer-net.ts'),
    exportName: 'twoLayerNet',
  },
];
