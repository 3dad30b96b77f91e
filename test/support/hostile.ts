import type { Clock } from '../../src/clock/Clock.js';
import { FakeClock } from '../../src/clock/FakeClock.js';

/** How a {@link HostileClock}'s `now()` misbehaves. */
export type ClockFault = 'none' | 'nan' | 'infinity' | '-infinity' | 'string' | 'throw';

/**
 * A user clock that misbehaves on demand, driven like a {@link FakeClock} (`advance(ms)` moves time and
 * runs the timers that fall due). Not a FakeClock itself, so a breaker reads it through its guard.
 */
export class HostileClock implements Clock {
  readonly fake = new FakeClock();
  /** What `now()` does instead of reading the time. */
  fault: ClockFault = 'none';
  /** Added to good readings: a negative value is the clock going back. */
  offset = 0;
  setTimeoutThrows = false;
  clearTimeoutThrows = false;
  /** `now()` calls so far. */
  reads = 0;

  now(): number {
    this.reads++;
    switch (this.fault) {
      case 'nan':
        return Number.NaN;
      case 'infinity':
        return Number.POSITIVE_INFINITY;
      case '-infinity':
        return Number.NEGATIVE_INFINITY;
      case 'string':
        return '12' as unknown as number;
      case 'throw':
        throw new Error('the clock is broken');
      default:
        return this.fake.now() + this.offset;
    }
  }

  setTimeout(callback: () => void, ms: number): unknown {
    if (this.setTimeoutThrows) throw new Error('setTimeout is broken');
    return this.fake.setTimeout(callback, ms);
  }

  clearTimeout(handle: unknown): void {
    if (this.clearTimeoutThrows) throw new Error('clearTimeout is broken');
    this.fake.clearTimeout(handle);
  }

  advance(ms: number): void {
    this.fake.advance(ms);
  }
}

/**
 * Records unhandled rejections and uncaught exceptions while installed (`process` listeners), so a
 * test can assert that none happened. Call `stop()` (or use `using`) when done.
 */
export function watchProcessFaults(): {
  readonly unhandled: unknown[];
  readonly uncaught: unknown[];
  stop(): void;
  [Symbol.dispose](): void;
} {
  const unhandled: unknown[] = [];
  const uncaught: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const onException = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const stop = (): void => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
  return { unhandled, uncaught, stop, [Symbol.dispose]: stop };
}

/** Lets pending promise reactions and due immediates run, a few rounds (rejections surface after). */
export async function settleEventLoop(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A logger each of whose methods returns a rejected promise (an async logger whose transport fails). */
export function rejectingLogger(): {
  calls: number;
  info(fields: object, message?: string): Promise<void>;
  warn(fields: object, message?: string): Promise<void>;
  error(fields: object, message?: string): Promise<void>;
} {
  const logger = {
    calls: 0,
    info: async (): Promise<void> => {
      logger.calls++;
      throw new Error('the log transport failed (info)');
    },
    warn: async (): Promise<void> => {
      logger.calls++;
      throw new Error('the log transport failed (warn)');
    },
    error: async (): Promise<void> => {
      logger.calls++;
      throw new Error('the log transport failed (error)');
    },
  };
  return logger;
}

/**
 * fast-check runs for a reliability property: `base` in `npm test`, times `RELIABILITY_RUNS` for a
 * long run (`RELIABILITY_RUNS=25 npx vitest run test/reliability`).
 */
export function runs(base: number): number {
  const factor = Number(process.env.RELIABILITY_RUNS ?? 1);
  return Math.max(1, Math.round(base * (factor > 0 ? factor : 1)));
}
