// An MNIST-sized net at a million parameters: 784 inputs, 1258 hidden tanh units, 10 classes, a batch of 16,
// softmax cross-entropy (mean over the batch) + L2 (784·1258 + 1258 + 1258·10 + 10 = 1 000 120 parameters).
// Next to the correct model, the same code with two known bugs in the gradient of fc1.W: one element 1% off
// (at a seeded random index, ONE_ELEMENT_OFF.flat), and the L2 term missing from the whole layer. All three
// declarations check at the same inputs (one seed).
import { model, randint, randn } from 'gradlens';
import { elementBug, mlp, noL2Bug } from './lib/mlp';

const D = 784;
const H = 1258;
const C = 10;
const SEED = 1258;

const params = {
  // Xavier scales keep the tanh units out of saturation and the scores O(1).
  fc1: { W: randn([D, H], { scale: Math.sqrt(1 / D) }), b: randn([H], { scale: 0.1 }) },
  fc2: { W: randn([H, C], { scale: Math.sqrt(1 / H) }), b: randn([C], { scale: 0.1 }) },
};
const data = { X: randn([16, D]), y: randint(0, C, [16]), reg: 0.01 };

/** The injected bug of mlp1MOneElementOff: fc1.W's gradient at `flat` times 1.01. */
export const ONE_ELEMENT_OFF = elementBug('fc1', [D, H], SEED);

export const mlp1M = model({ params, data, seed: SEED, ...mlp({ activation: 'tanh' }) });

export const mlp1MOneElementOff = model({ params, data, seed: SEED, ...mlp({ activation: 'tanh', bug: ONE_ELEMENT_OFF }) });

export const mlp1MNoL2 = model({ params, data, seed: SEED, ...mlp({ activation: 'tanh', bug: noL2Bug('fc1') }) });
