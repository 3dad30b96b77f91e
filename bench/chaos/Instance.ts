import { Redis } from 'ioredis';
import { CircuitBreaker, isCircuitBreakerError } from '../../src/index.js';
import { RedisStore, type RedisStoreStats } from '../../src/redis/index.js';
import type { Counts, MemberConfig } from './protocol.js';

/** The dependency's own failure: the only error a caller may see besides the breaker's refusals. */
class DependencyDown extends Error {
  override readonly name = 'DependencyDown';
}

/** What an instance tells its owner as it happens. */
export interface InstanceEvents {
  state(from: string, to: string, reason: string): void;
  storeError(error: unknown): void;
}

/** A snapshot of an instance: its counts, its breaker's state and its store's counters. */
export interface InstanceStats {
  counts: Counts;
  state: string;
  store: RedisStoreStats;
  foreignSample: string;
}

/**
 * One instance of the fleet under test: a breaker named `dep` shared through a RedisStore, calling an
 * in-process dependency that the owner makes healthy or failing, every `interval` ms. It counts what
 * callers saw: admitted, refused, the dependency's failures, and anything else (`foreign`: an error
 * that reached a caller from somewhere it must not). Runs in a member process or in the campaign's
 * own process.
 */
export class Instance {
  readonly counts: Counts = { made: 0, admitted: 0, refused: 0, succeeded: 0, failed: 0, foreign: 0 };
  readonly store: RedisStore;
  readonly breaker: CircuitBreaker;
  /** Whether the dependency answers. */
  healthy = true;
  #foreignSample = '';
  readonly #client: Redis;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #dependency = async (): Promise<string> => {
    this.counts.admitted++;
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.healthy) throw new DependencyDown('down');
    return 'ok';
  };

  constructor(config: MemberConfig, events: InstanceEvents) {
    this.#client = new Redis({
      port: config.port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    this.#client.on('error', () => {}); // the store never connects the user's client itself
    this.store = new RedisStore({
      client: this.#client,
      namespace: config.namespace,
      instanceId: config.id,
      ...config.store,
    });
    this.breaker = new CircuitBreaker({
      failureThreshold: 5,
      ...config.breaker,
      name: 'dep',
      store: this.store,
    });
    this.breaker.on('stateChange', ({ from, to, reason }) => events.state(from, to, reason));
    this.breaker.on('storeError', ({ error }) => events.storeError(error));
  }

  /** Starts calling every `interval` ms. */
  run(interval: number): void {
    this.#timer ??= setInterval(() => this.#fire(), interval);
  }

  /** Stops calling and waits for the calls in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#inFlight);
  }

  stats(): InstanceStats {
    return {
      counts: { ...this.counts },
      state: this.breaker.state,
      store: this.store.stats(),
      foreignSample: this.#foreignSample,
    };
  }

  /**
   * Stops, lets go of the breaker and closes the store.
   * @returns How long `store.close()` took, ms.
   */
  async close(): Promise<number> {
    await this.stop();
    this.breaker.dispose();
    const started = performance.now();
    await this.store.close();
    const ms = performance.now() - started;
    this.#client.disconnect();
    return ms;
  }

  #fire(): void {
    this.counts.made++;
    const call = this.breaker.call(this.#dependency).then(
      () => {
        this.counts.succeeded++;
      },
      (error: unknown) => {
        if (error instanceof DependencyDown) this.counts.failed++;
        else if (isCircuitBreakerError(error) && error.code !== 'ERR_CIRCUIT_TIMEOUT') this.counts.refused++;
        else {
          this.counts.foreign++;
          this.#foreignSample ||= describe(error);
        }
      },
    );
    const tracked = call.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }
}

/** An error as one line. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
