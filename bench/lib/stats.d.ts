export interface Spread {
  min: number;
  max: number;
  p25: number;
  p75: number;
  relative: number;
}
export function quantile(samples: readonly number[], q: number): number;
export function median(samples: readonly number[]): number;
export function spread(samples: readonly number[]): Spread;
export function ratios(values: readonly number[], floors: readonly number[]): number[];
export function ratio(
  values: readonly number[],
  floors: readonly number[],
): { ratio: number; spread: Spread };
export function fmt(value: number): string;
export function balancedOrders(n: number): number[][];
