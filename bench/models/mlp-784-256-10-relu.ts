// An MNIST-sized ReLU net: 784 inputs, 256 hidden ReLU units, 10 classes, a batch of 16, softmax cross-entropy
// (mean over the batch) + L2 (784·256 + 256 + 256·10 + 10 = 203 530 parameters). Next to the correct model,
// the same code with two known bugs in the gradient of fc1.W: one element 1% off (at a seeded random index,
// ONE_ELEMENT_OFF.flat), and the L2 term missing from the whole layer. All three check at the same inputs.
import { model, randint, randn } from 'gradlens';
import { elementBug, mlp, noL2Bug } from './lib/mlp';

const D = 784;
const H = 256;
const C = 10;
const SEED = 256;

const params = {
  // He-style scales keep about half the ReLUs active and the scores O(1).
  fc1: { W: randn([D, H], { scale: Math.sqrt(2 / D) }), b: randn([H], { scale: 0.1 }) },
  fc2: { W: randn([H, C], { scale: Math.sqrt(2 / H) }), b: randn([C], { scale: 0.1 }) },
};
const data = { X: randn([16, D]), y: randint(0, C, [16]), reg: 0.01 };

/** The injected bug of mlp200kOneElementOff: fc1.W's gradient at `flat` times 1.01. */
export const ONE_ELEMENT_OFF = elementBug('fc1', [D, H], SEED);

export const mlp200k = model({ params, data, seed: SEED, ...mlp({ activation: 'relu' }) });

export const mlp200kOneElementOff = model({ params, data, seed: SEED, ...mlp({ activation: 'relu', bug: ONE_ELEMENT_OFF }) });

export const mlp200kNoL2 = model({ params, data, seed: SEED, ...mlp({ activation: 'relu', bug: noL2Bug('fc1') }) });
