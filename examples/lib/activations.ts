// Scalar activations shared by the sigmoid, LSTM and Coursera examples.

/** Numerically stable logistic function: never exponentiates a large positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
