/**
 * Binary logistic regression trained by mini-batch stochastic gradient descent
 * with L2 regularisation (Hastie, Tibshirani and Friedman, "The Elements of
 * Statistical Learning", 2nd ed., section 4.4; Bottou, "Large-scale machine
 * learning with stochastic gradient descent", COMPSTAT 2010).
 */

/** Probabilities are kept in [EPS, 1 - EPS] so the log loss stays finite. */
const EPS = 1e-12;

/** The logistic function, computed without overflow for large |z|. */
export function sigmoid(z) {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** P(y = 1) for row `i` of `x` (d columns). */
export function probability(model, x, i, d) {
  let z = model.bias;
  for (let j = 0; j < d; j++) z += model.weights[j] * x[i * d + j];
  return sigmoid(z);
}

/** The log loss (cross-entropy) of predicting `p` for label `y`. */
export function logLoss(p, y) {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return y === 1 ? -Math.log(q) : -Math.log(1 - q);
}

/** Mean log loss and accuracy (threshold 0.5) over a data set. */
export function evaluate(model, { x, y, n, d }) {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = probability(model, x, i, d);
    loss += logLoss(p, y[i]);
    if ((p >= 0.5 ? 1 : 0) === y[i]) correct++;
  }
  return { loss: loss / Math.max(1, n), accuracy: correct / Math.max(1, n) };
}

/**
 * xorshift32 (Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14), 2003): the
 * seeded shuffle of the training order, so a run is reproducible.
 */
function xorshift32(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** Fisher-Yates shuffle (Knuth, TAOCP vol. 2, algorithm 3.4.2 P) of `order` in place. */
function shuffle(order, random) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

/**
 * Train for `steps` mini-batch steps, reshuffling at each epoch, and call
 * `report(step, model)` at step 0, every `logEvery` steps and at the end.
 */
export function train(data, hp, steps, report) {
  const { x, y, n, d } = data;
  const model = { weights: new Float64Array(d), bias: 0 };
  const random = xorshift32(hp.seed);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const grad = new Float64Array(d);
  let cursor = n;
  report(0, model);
  for (let step = 1; step <= steps; step++) {
    grad.fill(0);
    let gradBias = 0;
    const batch = Math.min(hp.batchSize, n);
    for (let b = 0; b < batch; b++) {
      if (cursor >= n) {
        shuffle(order, random);
        cursor = 0;
      }
      const i = order[cursor++];
      const err = probability(model, x, i, d) - y[i];
      for (let j = 0; j < d; j++) grad[j] += err * x[i * d + j];
      gradBias += err;
    }
    for (let j = 0; j < d; j++) {
      model.weights[j] -= hp.learningRate * (grad[j] / batch + hp.l2 * model.weights[j]);
    }
    model.bias -= hp.learningRate * (gradBias / batch);
    if (step % hp.logEvery === 0 || step === steps) report(step, model);
  }
  return model;
}
