import type { Attributes, Histogram } from '@opentelemetry/api';
import type {
  CircuitBreaker,
  CircuitBreakerEvents,
  CircuitBreakerRegistry,
  RegistryChange,
} from '../index.js';

const NAME = 'circuit_breaker.name';

/**
 * @internal Feeds a synchronous OpenTelemetry histogram from the `latencySample` events of a
 * registry's breakers (the sampled latency path: listening does not make every call timed). It
 * follows breakers as they join and leave. One listener function serves every breaker: it finds the
 * entry a sample belongs to (the breaker's name, or a keyed breaker's group) from the event's name,
 * so a keyed breaker costs a listener registration and no closure.
 */
export class DurationRecorder {
  readonly #histogram: Histogram;
  readonly #registry: CircuitBreakerRegistry;
  /** The attributes of the breakers registered by name. */
  readonly #named = new Map<string, Attributes>();
  /** The attributes of each keyed group, and how many of its breakers are followed. */
  readonly #groups = new Map<string, { attributes: Attributes; breakers: number }>();
  readonly #unsubscribe = new WeakMap<CircuitBreaker, () => void>();
  #stopRegistry: (() => void)[] = [];

  readonly #onSample = ({ name, duration }: CircuitBreakerEvents['latencySample']): void => {
    const attributes = this.#attributesOf(name);
    if (attributes !== undefined) this.#histogram.record(duration / 1000, attributes);
  };

  constructor(histogram: Histogram, registry: CircuitBreakerRegistry) {
    this.#histogram = histogram;
    this.#registry = registry;
  }

  /** Subscribes to the registry's breakers, those there now and those to come. */
  start(): void {
    const registry = this.#registry;
    this.#stopRegistry = [
      registry.on('add', (change) => this.#add(change)),
      registry.on('remove', (change) => this.#remove(change)),
    ];
    for (const breaker of registry.registered()) this.#add({ name: breaker.name, breaker, group: undefined });
    for (const { name: group } of registry.groups()) {
      for (const breaker of registry.group(group) ?? []) this.#add({ name: breaker.name, breaker, group });
    }
  }

  /** Removes every listener it added, from the registry and from its breakers. */
  stop(): void {
    for (const unsubscribe of this.#stopRegistry.splice(0)) unsubscribe();
    for (const breaker of this.#registry) {
      this.#unsubscribe.get(breaker)?.();
      this.#unsubscribe.delete(breaker);
    }
    this.#named.clear();
    this.#groups.clear();
  }

  #add({ name, breaker, group }: RegistryChange): void {
    if (this.#unsubscribe.has(breaker)) return;
    if (group === undefined) this.#named.set(name, { [NAME]: name });
    else {
      const entry = this.#groups.get(group);
      if (entry === undefined) this.#groups.set(group, { attributes: { [NAME]: group }, breakers: 1 });
      else entry.breakers++;
    }
    this.#unsubscribe.set(breaker, breaker.on('latencySample', this.#onSample));
  }

  #remove({ name, breaker, group }: RegistryChange): void {
    const unsubscribe = this.#unsubscribe.get(breaker);
    if (unsubscribe === undefined) return;
    unsubscribe();
    this.#unsubscribe.delete(breaker);
    if (group === undefined) {
      this.#named.delete(name);
      return;
    }
    const entry = this.#groups.get(group);
    if (entry !== undefined && --entry.breakers === 0) this.#groups.delete(group);
  }

  /**
   * A breaker registered by name is its own entry; a keyed breaker `<group>:<key>` belongs to its
   * group. A registry keeps the names apart: no breaker is named `<group>:...`, and no group's name
   * starts with another's `<group>:`, so the first group found is the one.
   */
  #attributesOf(name: string): Attributes | undefined {
    const own = this.#named.get(name);
    if (own !== undefined) return own;
    for (let at = name.indexOf(':'); at !== -1; at = name.indexOf(':', at + 1)) {
      const group = this.#groups.get(name.slice(0, at));
      if (group !== undefined) return group.attributes;
    }
    return undefined;
  }
}
