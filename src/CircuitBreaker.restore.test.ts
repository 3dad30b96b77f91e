import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';

describe('initialState restores the breaker that saved it', () => {
  const clock = new FakeClock();
  const saved = () => {
    const payments = new CircuitBreaker({ name: 'payments', clock });
    payments.open(10_000);
    return payments.toJSON();
  };

  it('a snapshot saved by another breaker is a TypeError naming both names', () => {
    expect(() => new CircuitBreaker({ name: 'orders', clock, initialState: saved() })).toThrow(
      new TypeError(
        "`initialState` was saved by breaker 'payments', but this breaker is named 'orders': a snapshot restores " +
          "the breaker that saved it. Give `name: 'payments'` (or leave `name` out to take the snapshot's)",
      ),
    );
  });

  it('the same name restores it', () => {
    const restored = new CircuitBreaker({ name: 'payments', clock, initialState: saved() });
    expect([restored.name, restored.state]).toEqual(['payments', 'open']);
  });

  it('without a name, the breaker takes the snapshot’s', () => {
    const restored = new CircuitBreaker({ clock, initialState: saved() });
    expect([restored.name, restored.options.name, restored.state]).toEqual(['payments', 'payments', 'open']);
  });

  it('a snapshot without a name is refused, naming the field', () => {
    const { name: _, ...nameless } = saved();
    expect(() => new CircuitBreaker({ clock, initialState: nameless as never })).toThrow(
      new TypeError(
        'Expected `initialState.name` to be the name of the breaker that saved it, got `undefined`',
      ),
    );
  });
});
