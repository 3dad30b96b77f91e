import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { protect } from './protect.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';
import { defaultRegistry } from './registry/defaultRegistry.js';

/**
 * The test runner's transform does not lower standard decorators and Node 20 cannot run them, so the
 * decorated classes are compiled by TypeScript, as a user's build does (target ES2022), then evaluated
 * with `scope` in reach. The snippet hands its classes back by assigning `result`.
 */
function compile<T>(source: string, scope: Record<string, unknown>, legacy = false): T {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.None,
      experimentalDecorators: legacy,
    },
  });
  const names = Object.keys(scope);
  const run = new Function(...names, `let result;\n${outputText}\nreturn result;`) as (
    ...args: unknown[]
  ) => T;
  return run(...names.map((name) => scope[name]));
}

interface Greeter {
  calls: number;
  greet(name: string, punctuation: string): Promise<string>;
}

describe('@protect', () => {
  afterEach(() => {
    for (const breaker of [...defaultRegistry]) defaultRegistry.remove(breaker.name);
  });

  it('sends every call of the method through the named breaker of defaultRegistry, keeping `this` and arguments', async () => {
    const Client = compile<new (prefix: string) => Greeter>(
      `
      class Client {
        calls = 0;
        constructor(prefix) { this.prefix = prefix; }
        @protect('protect-test-default', { failureThreshold: 2 })
        async greet(name, punctuation) {
          this.calls++;
          if (name === 'fail') throw new Error('down');
          return this.prefix + ' ' + name + punctuation;
        }
      }
      result = Client;`,
      { protect },
    );
    const client = new Client('hello');
    await expect(client.greet('ada', '!')).resolves.toBe('hello ada!');
    const breaker = defaultRegistry.get('protect-test-default');
    expect(breaker?.options.failureThreshold).toBe(2);
    expect(breaker?.metrics().successfulCalls).toBe(1);

    await expect(client.greet('fail', '')).rejects.toThrow('down');
    await expect(client.greet('fail', '')).rejects.toThrow('down');
    expect(breaker?.state).toBe('open');
    await expect(client.greet('ada', '!')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect(client.calls).toBe(3);
  });

  it('uses options.registry, and an existing breaker there keeps its own options', async () => {
    const clock = new FakeClock();
    const registry = new CircuitBreakerRegistry({ clock, defaults: { resetTimeout: 1000 } });
    const existing = registry.register('inventory', { failureThreshold: 7 });
    const Store = compile<new () => { stock(): Promise<number>; price(): Promise<number> }>(
      `
      class Store {
        @protect('inventory', { registry, failureThreshold: 1 })
        async stock() { return 3; }
        @protect('pricing', { registry, failureThreshold: 1 })
        async price() { throw new Error('no price'); }
      }
      result = Store;`,
      { protect, registry },
    );
    const store = new Store();
    await expect(store.stock()).resolves.toBe(3);
    expect(existing.metrics().successfulCalls).toBe(1);
    expect(existing.options.failureThreshold).toBe(7);

    await expect(store.price()).rejects.toThrow('no price');
    const pricing = registry.get('pricing');
    expect(pricing?.options).toMatchObject({ failureThreshold: 1, resetTimeout: 1000, clock });
    expect(pricing?.state).toBe('open');
    expect(defaultRegistry.get('pricing')).toBeUndefined();
  });

  it('looks the breaker up on each call, so it may be registered after the class is defined', async () => {
    const registry = new CircuitBreakerRegistry();
    const Late = compile<new () => { run(): Promise<string> }>(
      `class Late { @protect('late', { registry }) async run() { return 'ran'; } }
      result = Late;`,
      { protect, registry },
    );
    const late = registry.register('late', new CircuitBreaker({ name: 'late' }));
    late.forceOpen();
    await expect(new Late().run()).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  });

  it('takes a breaker, and works on static and #private methods', async () => {
    const breaker = new CircuitBreaker({ name: 'given' });
    const Mixed = compile<{
      new (): { work(n: number): Promise<number>; reveal(): Promise<string> };
      make(): Promise<string>;
    }>(
      `
      class Mixed {
        @protect(breaker) async work(n) { return n * 2; }
        @protect(breaker) static async make() { return 'static'; }
        @protect(breaker) async #secret() { return 'private'; }
        reveal() { return this.#secret(); }
      }
      result = Mixed;`,
      { protect, breaker },
    );
    await expect(new Mixed().work(21)).resolves.toBe(42);
    await expect(Mixed.make()).resolves.toBe('static');
    await expect(new Mixed().reveal()).resolves.toBe('private');
    expect(breaker.metrics().successfulCalls).toBe(3);
    breaker.forceOpen();
    await expect(new Mixed().work(1)).rejects.toBeInstanceOf(CircuitBreakerOpenError);
  });

  it('validates its arguments when the class is defined', () => {
    expect(() => protect('')).toThrow(
      new TypeError('Expected `nameOrBreaker` to be a non-empty string or a CircuitBreaker, got `""`'),
    );
    expect(() => protect('x', { failureThreshold: 0 })).toThrow(
      new RangeError('Expected `failureThreshold` to be an integer >= 1, or false, got `0`'),
    );
    expect(() => protect('x', { failureTreshold: 1 } as never)).toThrow(/did you mean `failureThreshold`/);
    expect(() => protect('x', { registry: {} as never })).toThrow(
      new TypeError('Expected `options.registry` to be a CircuitBreakerRegistry, got `{}`'),
    );
    expect(() => protect(new CircuitBreaker(), { failureThreshold: 1 })).toThrow(
      /options apply only when @protect creates the breaker by name/,
    );
    const decorate = protect('x');
    expect(() => decorate(async () => 1, { kind: 'field' } as never)).toThrow(
      new TypeError('Expected `@protect target` to be a class method (standard decorators), got `"field"`'),
    );
    expect(() =>
      compile(`class Bad { @protect('x', { registry }) field = 1; }`, {
        protect,
        registry: new CircuitBreakerRegistry(),
      }),
    ).toThrow(/a class method/);
  });

  it('a breaker that cannot be created rejects the call instead of throwing', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.keyed('taken');
    const Clash = compile<new () => { run(): Promise<number> }>(
      `class Clash { @protect('taken', { registry }) async run() { return 1; } }
      result = Clash;`,
      { protect, registry },
    );
    let result: Promise<number> | undefined;
    expect(() => {
      result = new Clash().run();
    }).not.toThrow();
    await expect(result).rejects.toThrow(/taken by a keyed group/);
  });

  it('works with experimentalDecorators: true (the NestJS and Angular default), keeping `this` and arguments', async () => {
    const registry = new CircuitBreakerRegistry({ clock: new FakeClock() });
    const Client = compile<new (prefix: string) => Greeter>(
      `
      class Client {
        calls = 0;
        constructor(prefix) { this.prefix = prefix; }
        @protect('legacy', { registry, failureThreshold: 1 })
        async greet(name, punctuation) {
          this.calls++;
          if (name === 'fail') throw new Error('down');
          return this.prefix + ' ' + name + punctuation;
        }
      }
      result = Client;`,
      { protect, registry },
      true,
    );
    const client = new Client('hello');
    await expect(client.greet('ada', '!')).resolves.toBe('hello ada!');
    await expect(client.greet('fail', '')).rejects.toThrow('down');
    await expect(client.greet('ada', '?')).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect(client.calls).toBe(2);
    expect(registry.get('legacy')?.metrics()).toMatchObject({
      successfulCalls: 1,
      failedCalls: 1,
      rejectedCalls: 1,
    });
    expect(() =>
      compile(`class Bad { @protect('x', { registry }) field = 1; }`, { protect, registry }, true),
    ).toThrow(/a class method/);
  });

  it.each([
    ['standard decorators', false],
    ['experimentalDecorators', true],
  ])('type-checks on async methods and refuses sync ones with %s', (_mode, legacy) => {
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-protect-'));
    const file = join(dir, 'usage.mts');
    const protectPath = fileURLToPath(new URL('./protect.js', import.meta.url));
    writeFileSync(
      file,
      [
        `import { protect } from ${JSON.stringify(protectPath)};`,
        `export class Async { @protect('a') async run(n: number): Promise<number> { return n; } }`,
        `export class Sync { @protect('b') run(): number { return 1; } }`,
      ].join('\n'),
    );
    const program = ts.createProgram([file], {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
      types: [],
      noEmit: true,
      skipLibCheck: true,
      experimentalDecorators: legacy,
    });
    const source = program.getSourceFile(file);
    const lines = ts
      .getPreEmitDiagnostics(program, source)
      .map((d) =>
        d.start === undefined ? -1 : (source?.getLineAndCharacterOfPosition(d.start).line ?? -1) + 1,
      );
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines)).toEqual(new Set([3]));
  });
});
