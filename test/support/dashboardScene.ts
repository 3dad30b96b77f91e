import { setMaxListeners } from 'node:events';
import { CircuitBreaker, type CircuitBreakerOptions, CircuitBreakerRegistry, MemoryStore } from 'breakwater';

/** One simulated dependency: how often it is called, how long it takes, how often it fails. */
interface Dependency {
  readonly breaker: () => CircuitBreaker;
  /** Calls per second. */
  readonly rate: number;
  /** Median latency in ms (log-normal around it). */
  readonly latency: number;
  /** Share of calls that fail, as a function of seconds since the start. */
  readonly failures: (t: number) => number;
  /** Whether a call made now hangs until the scene stops (a trial that never answers, a hung database). */
  readonly hangs?: (breaker: CircuitBreaker, t: number) => boolean;
}

/**
 * Which scene: `mixed`, every kind of card on an ordinary bad day (docs/dashboard.png); `outage`, the
 * moment a shared database goes down (docs/dashboard-outage.png): PostgreSQL hung (timeouts), its
 * replica refusing connections (failure rate), another instance deciding for the fleet, a trial
 * hanging, a third of a keyed group open, and a provider an operator forced open.
 */
export type SceneStory = 'mixed' | 'outage';

/** A registry with realistic traffic, for the dashboard's screenshot and browser test. */
export interface Scene {
  readonly registry: CircuitBreakerRegistry;
  /** Seconds since the scene started. */
  elapsed(): number;
  /** Stops the traffic, ends the hung calls, closes the registry. */
  stop(): Promise<void>;
}

class SimulatedFailure extends Error {
  override readonly name = 'SimulatedFailure';
}

/**
 * Starts traffic through a registry of breakers that, after about 45 s, shows every kind of card: a
 * critical API that is healthy, a database that failed and is open, a search service half-open with
 * its trial hanging, a dependency closed but failing 1 call in 8, one forced closed by an operator,
 * and a keyed group of tenants with a few open keys and one half-open.
 */
export function startScene(story: SceneStory = 'mixed'): Scene {
  const store = new MemoryStore();
  const registry = new CircuitBreakerRegistry({ defaults: { latencySampling: 1 } });
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const hung = new AbortController();
  setMaxListeners(0, hung.signal); // every hung call waits on it
  const make = (name: string, options: CircuitBreakerOptions) => {
    const breaker = registry.register(name, options);
    return () => breaker;
  };
  const tenants = registry.keyed('tenant-api', {
    failureThreshold: 4,
    resetTimeout: 600_000,
    maxKeys: 500,
  });
  const tenantNames = [
    'acme',
    'globex',
    'initech',
    'umbrella',
    'hooli',
    'stark',
    'wayne',
    'wonka',
    'cyberdyne',
    'tyrell',
    'soylent',
    'oscorp',
    'aperture',
    'vandelay',
    'dunder-mifflin',
    'pied-piper',
    'massive-dynamic',
    'gringotts',
    'monarch',
    'nakatomi',
  ];
  const failingTenants = new Set(['globex', 'initech', 'cyberdyne']);
  const mixed = (): Dependency[] => [
    {
      breaker: make('payments-api', { critical: true, failureRateThreshold: 0.5, timeout: 2000 }),
      rate: 90,
      latency: 38,
      failures: () => 0.01,
    },
    {
      breaker: make('inventory-db', {
        critical: true,
        failureRateThreshold: 0.5,
        minimumCalls: 20,
        window: { type: 'count', size: 50 },
        resetTimeout: 600_000,
      }),
      rate: 60,
      latency: 7,
      failures: (t) => (t > 16 ? 0.75 : 0.02),
    },
    {
      breaker: make('search', { failureThreshold: 5, resetTimeout: 12_000, halfOpenTimeout: 600_000 }),
      rate: 35,
      latency: 65,
      failures: (t) => (t > 24 ? 1 : 0.02),
      hangs: (breaker) => breaker.state === 'half_open',
    },
    {
      breaker: make('recommendations', { failureRateThreshold: 0.5 }),
      rate: 28,
      latency: 120,
      failures: () => 0.12,
    },
    {
      breaker: make('email-provider', { failureThreshold: 3 }),
      rate: 4,
      latency: 210,
      failures: () => 0.05,
    },
    ...tenantNames.map(
      (tenant, index): Dependency => ({
        breaker: () => tenants.get(tenant),
        rate: 6 + (index % 5) * 3,
        latency: 22 + (index % 7) * 6,
        failures: (t) => (failingTenants.has(tenant) && t > 10 + index ? 0.9 : 0.01),
      }),
    ),
  ];
  /** The other instance of the fleet: it trips first on catalog-db, and this one follows. */
  const otherInstance = new CircuitBreaker({
    name: 'catalog-db',
    store,
    failureThreshold: 5,
    resetTimeout: 600_000,
  });
  const outage = (): Dependency[] => [
    {
      breaker: make('payments-api', { critical: true, failureRateThreshold: 0.5, timeout: 2000 }),
      rate: 90,
      latency: 38,
      failures: () => 0.01,
    },
    {
      // PostgreSQL hung: every call times out at 500 ms; five in a row open the breaker.
      breaker: make('orders-db', {
        critical: true,
        timeout: 500,
        failureThreshold: 5,
        resetTimeout: 600_000,
      }),
      rate: 70,
      latency: 9,
      failures: () => 0.01,
      hangs: (_, t) => t > 14,
    },
    {
      // Its replica refuses connections: the failure rate trips it.
      breaker: make('inventory-db', {
        failureRateThreshold: 0.5,
        minimumCalls: 20,
        window: { type: 'count', size: 50 },
        resetTimeout: 600_000,
      }),
      rate: 60,
      latency: 7,
      failures: (t) => (t > 16 ? 0.8 : 0.02),
    },
    {
      // Shared through the store: another instance decides, this one follows the fleet.
      breaker: make('catalog-db', { store, failureThreshold: 5, resetTimeout: 600_000 }),
      rate: 25,
      latency: 12,
      failures: () => 0.01,
    },
    {
      breaker: make('search', { failureThreshold: 5, resetTimeout: 12_000, halfOpenTimeout: 600_000 }),
      rate: 35,
      latency: 65,
      failures: (t) => (t > 12 ? 1 : 0.02),
      hangs: (breaker) => breaker.state === 'half_open',
    },
    {
      breaker: make('email-provider', { failureThreshold: 3 }),
      rate: 4,
      latency: 210,
      failures: () => 0.05,
    },
    ...tenantNames.map(
      (tenant, index): Dependency => ({
        breaker: () => tenants.get(tenant),
        rate: 6 + (index % 5) * 3,
        latency: 22 + (index % 7) * 6,
        failures: (t) => (failingTenants.has(tenant) && t > 10 + index ? 0.9 : 0.01),
      }),
    ),
  ];
  const dependencies = story === 'outage' ? outage() : mixed();
  if (story === 'mixed') registry.get('email-provider')!.forceClose();

  const call = (dependency: Dependency, t: number): void => {
    const breaker = dependency.breaker();
    if (breaker.name === 'tenant-api:umbrella' && breaker.state !== 'closed') return; // no trial yet
    const hangs = dependency.hangs?.(breaker, t) ?? false;
    const fails = Math.random() < dependency.failures(t);
    const latency = dependency.latency * Math.exp(0.45 * gaussian()) * (fails ? 1.8 : 1);
    breaker
      .call(
        ({ signal }) =>
          new Promise<void>((resolve, reject) => {
            if (hangs) {
              // Until its timeout aborts it, or the scene ends.
              const end = (): void => {
                hung.signal.removeEventListener('abort', end);
                signal.removeEventListener('abort', end);
                resolve();
              };
              hung.signal.addEventListener('abort', end);
              signal.addEventListener('abort', end);
              return;
            }
            setTimeout(() => (fails ? reject(new SimulatedFailure('upstream 503')) : resolve()), latency);
          }),
      )
      .catch(() => {});
  };

  let umbrellaOpened = false;
  let operatorActed = false;
  const step = 50;
  const owed = new Map<Dependency, number>();
  const traffic = setInterval(() => {
    const t = elapsed();
    if (!umbrellaOpened && t > 30) {
      umbrellaOpened = true;
      tenants.get('umbrella').open(8000); // by hand; half-open after 8 s, with no trial sent
    }
    if (story === 'outage' && !operatorActed && t > 20) {
      operatorActed = true;
      registry.get('email-provider')!.forceOpen(); // an operator stops the mail while the database is down
    }
    if (story === 'outage' && t > 18 && otherInstance.state === 'closed') {
      for (let i = 0; i < 5; i++)
        otherInstance.call(() => Promise.reject(new SimulatedFailure('connection refused'))).catch(() => {});
    }
    for (const dependency of dependencies) {
      let due = (owed.get(dependency) ?? 0) + (dependency.rate * step) / 1000;
      while (due >= 1) {
        call(dependency, t);
        due -= 1;
      }
      owed.set(dependency, due);
    }
  }, step);

  return {
    registry,
    elapsed,
    async stop() {
      clearInterval(traffic);
      hung.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));
      registry.close();
      otherInstance.dispose();
      await store.close();
    },
  };
}

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}
