export const hasRedisServer: boolean;
export const NO_REDIS: string;
export function redisAvailable(): boolean;
export function freePort(): Promise<number>;
export function ping(port: number): Promise<string>;
export function poll(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeout?: number,
  interval?: number,
): Promise<void>;
export function startRedis(): Promise<{ port: number; stop: () => Promise<void> }>;
export function commandCalls(info: string): Record<string, number>;
export function cpuSeconds(info: string): number;
