// @ts-check
/**
 * Statistics helpers of the benchmark harness (checked by test/bench-harness.test.ts).
 * Plain ESM JavaScript so that `node bench/run.js` needs no TypeScript loader.
 */

/**
 * The value below which a share `q` (0..1) of the samples fall, interpolated linearly between ranks.
 * @param {readonly number[]} samples
 * @param {number} q
 * @returns {number}
 */
export function quantile(samples, q) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = /** @type {number} */ (sorted[low]);
  const highValue = /** @type {number} */ (sorted[high]);
  return lowValue + (highValue - lowValue) * (position - low);
}

/**
 * The median (the mean of the two middle samples for an even count); `NaN` for no samples.
 * @param {readonly number[]} samples
 * @returns {number}
 */
export function median(samples) {
  return quantile(samples, 0.5);
}

/**
 * The spread of samples: the interquartile range relative to the median (0.1 = 10%), plus min and max.
 * @param {readonly number[]} samples
 * @returns {{ min: number, max: number, p25: number, p75: number, relative: number }}
 */
export function spread(samples) {
  if (samples.length === 0)
    return { min: Number.NaN, max: Number.NaN, p25: Number.NaN, p75: Number.NaN, relative: Number.NaN };
  const p25 = quantile(samples, 0.25);
  const p75 = quantile(samples, 0.75);
  const mid = median(samples);
  return {
    min: Math.min(...samples),
    max: Math.max(...samples),
    p25,
    p75,
    relative: mid === 0 ? 0 : (p75 - p25) / Math.abs(mid),
  };
}

/**
 * Per-run ratios of a variant to the floor measured in the same run (pairs by index).
 * @param {readonly number[]} values
 * @param {readonly number[]} floors
 * @returns {number[]}
 */
export function ratios(values, floors) {
  if (values.length !== floors.length)
    throw new RangeError(`Expected as many floors as values, got ${floors.length} and ${values.length}`);
  return values.map((value, i) => value / /** @type {number} */ (floors[i]));
}

/**
 * The median of per-run ratios and its spread.
 * @param {readonly number[]} values
 * @param {readonly number[]} floors
 * @returns {{ ratio: number, spread: ReturnType<typeof spread> }}
 */
export function ratio(values, floors) {
  const each = ratios(values, floors);
  return { ratio: median(each), spread: spread(each) };
}

/**
 * A number in at most three significant figures (`1.23`, `12.3`, `123`, `1234`).
 * @param {number} value
 * @returns {string}
 */
export function fmt(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/**
 * The orders of a balanced Latin square (a Williams design) of `n` items: `n` orders for an even `n`,
 * `2n` for an odd one (the `n` orders and their reverses). Every item takes every position equally
 * often and comes right after every other item equally often, so that neither the position in a
 * round nor what ran just before favours one variant. (A plain rotation keeps the same neighbours:
 * `b` would always run right after `a`.)
 * @param {number} n
 * @returns {number[][]}
 */
export function balancedOrders(n) {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`Expected \`n\` to be an integer >= 0, got \`${n}\``);
  /** @type {number[][]} */
  const orders = [];
  for (let r = 0; r < n; r++) {
    /** @type {number[]} */
    const order = [];
    for (let j = 0; j < n; j++) {
      const offset = j === 0 ? 0 : j % 2 === 1 ? (j + 1) / 2 : n - j / 2;
      order.push((r + offset) % n);
    }
    orders.push(order);
  }
  if (n % 2 === 1)
    for (let r = 0; r < n; r++) orders.push([.../** @type {number[]} */ (orders[r])].reverse());
  return orders;
}
