export class TimeoutError extends Error {
  constructor(timeout: number);
}
export const keptAlive: readonly unknown[];
export function timed<T>(fn: () => Promise<T>, timeout: number): Promise<T>;
export function linkedCalls(): number;
