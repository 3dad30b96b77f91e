import type { CircuitBreaker } from '../CircuitBreaker.js';
import type { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import type { KeyedBreakers } from '../registry/KeyedBreakers.js';
import type { AdminSource, ControlOutcome } from './AdminSource.js';
import type { DashboardItem, DashboardTransition } from './protocol.js';
import type { ControlCommand } from './routes.js';
import { TickSampler } from './TickSampler.js';
import { type AdminView, type BreakerList, breakerView, groupView } from './views.js';

/**
 * @internal The endpoints' view of one process: the breakers of a registry, registered by name and
 * in keyed groups (each group one entry). Everything is read when asked, from what the breakers
 * keep; following transitions subscribes to `stateChange` only while an event stream is open.
 */
export class RegistrySource implements AdminSource {
  readonly scope = 'instance';
  readonly #registry: CircuitBreakerRegistry;
  readonly #sampler = new TickSampler();

  constructor(registry: CircuitBreakerRegistry) {
    this.#registry = registry;
  }

  async health(): Promise<{ unhealthy: boolean; body: unknown }> {
    const health = this.#registry.health();
    return { unhealthy: health.status === 'unhealthy', body: health };
  }

  async list(reveal: boolean): Promise<BreakerList> {
    return {
      breakers: [...this.#registry.registered()].map((breaker) => breakerView(breaker, undefined, reveal)),
      groups: this.#registry.groups().map(groupView),
    };
  }

  async find(name: string, reveal: boolean): Promise<AdminView | undefined> {
    const group = this.#registry.group(name);
    if (group !== undefined) return groupView(group.status());
    const breaker = this.#registry.get(name);
    return breaker === undefined ? undefined : breakerView(breaker, this.#groupOf(name), reveal);
  }

  async control(name: string, command: ControlCommand, openFor: number | undefined): Promise<ControlOutcome> {
    if (this.#registry.group(name) !== undefined) {
      if (command !== 'reset') {
        return {
          kind: 'unsupported',
          message:
            `'${name}' is a keyed group: it can be reset as a whole; open or force one of its ` +
            `breakers by its name, '${name}:<key>'`,
        };
      }
      this.#registry.reset(name);
      return { kind: 'done', view: await this.find(name, false) };
    }
    const breaker = this.#registry.get(name);
    if (breaker === undefined) return { kind: 'not_found' };
    if (command === 'open') breaker.open(openFor);
    else if (command === 'force-open') breaker.forceOpen();
    else if (command === 'force-close') breaker.forceClose();
    else breaker.reset();
    return { kind: 'done', view: breakerView(breaker, this.#groupOf(name), false) };
  }

  watch(onTransition: (transition: DashboardTransition) => void): () => void {
    const registry = this.#registry;
    const following = new Map<CircuitBreaker, () => void>();
    const follow = (breaker: CircuitBreaker, group: string | undefined): void => {
      if (following.has(breaker)) return;
      const off = breaker.on('stateChange', ({ name, from, to, reason }) => {
        const at = Date.now();
        onTransition(
          group === undefined ? { name, from, to, reason, at } : { name, group, from, to, reason, at },
        );
      });
      following.set(breaker, off);
    };
    const offAdd = registry.on('add', ({ breaker, group }) => follow(breaker, group));
    const offRemove = registry.on('remove', ({ breaker }) => {
      following.get(breaker)?.();
      following.delete(breaker);
    });
    for (const breaker of registry.registered()) follow(breaker, undefined);
    for (const { name } of registry.groups()) {
      for (const breaker of registry.group(name) ?? []) follow(breaker, name);
    }
    return () => {
      offAdd();
      offRemove();
      for (const off of following.values()) off();
      following.clear();
      this.#sampler.clear();
    };
  }

  async sample(): Promise<readonly DashboardItem[]> {
    const registry = this.#registry;
    const seen = new Set<string>();
    const items: DashboardItem[] = [];
    for (const breaker of registry.registered()) items.push(this.#sampler.breaker(breaker, seen));
    for (const status of registry.groups()) {
      items.push(this.#sampler.group(status, (name) => registry.get(name)?.state, seen));
    }
    this.#sampler.prune(seen);
    return items;
  }

  /** The keyed group a breaker's name belongs to, if any (`<group>:<key>`, the group's name may hold `:`). */
  #groupOf(name: string): string | undefined {
    for (let at = name.indexOf(':'); at !== -1; at = name.indexOf(':', at + 1)) {
      const group: KeyedBreakers | undefined = this.#registry.group(name.slice(0, at));
      if (group?.has(name.slice(at + 1))) return group.name;
    }
    return undefined;
  }
}
