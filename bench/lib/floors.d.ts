export const seen: { succeeded: number; failed: number };
export function observed<T>(fn: () => Promise<T>): Promise<T>;
export function stillOpen(open: { until: number }): boolean;
