import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let dir = '';

// Builds and packs a copy of the package, so that this test never races others over dist/.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'breakwater-pack-'));
  for (const entry of ['package.json', 'tsconfig.json', 'tsdown.config.ts', 'src', 'README.md', 'LICENSE']) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(bin('tsdown'), [], { cwd: dir, stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the published package', () => {
  it('is ESM only, side-effect free, for Node >= 20.19, with types for every subpath', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ type: 'module', sideEffects: false, engines: { node: '>=20.19' } });
    expect(pkg.dependencies ?? {}).toEqual({});
    for (const [subpath, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
      if (subpath === './package.json') continue;
      expect(typeof target === 'object' && target.types, subpath).toMatch(/\.d\.ts$/);
      expect(existsSync(join(dir, (target as Record<string, string>).default!)), subpath).toBe(true);
      expect(existsSync(join(dir, (target as Record<string, string>).types!)), subpath).toBe(true);
    }
  });

  it('keeps node: modules out of the core bundle, so it runs in browsers and edge runtimes', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dir, 'dist', file), 'utf8');
      expect(code, file).not.toMatch(/(?:from|import\()\s*["']node:/);
      for (const [, next] of code.matchAll(/from\s*["']\.\/([^"']+)["']/g)) visit(next!);
    };
    visit('index.js');
    expect(seen.size).toBeGreaterThan(0);
  });

  it('declares nothing internal: no class of the engine, the call path or the options appears in the published types', () => {
    // Every class declared in the internal folders, and the registry's accumulator.
    const internalDirs = ['engine', 'call', 'options', 'window', 'cache'];
    const internal = new Set<string>(['GroupTotals', 'Firing']);
    for (const folder of internalDirs) {
      for (const file of readdirSync(join(root, 'src', folder))) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const code = readFileSync(join(root, 'src', folder, file), 'utf8');
        for (const [, name] of code.matchAll(/^(?:export )?(?:abstract )?class (\w+)/gm)) internal.add(name!);
      }
    }
    expect(internal).toContain('Engine');
    expect(internal).toContain('Automaton');
    const declarations = readdirSync(join(dir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.d.ts'),
    );
    expect(declarations.length).toBeGreaterThan(0);
    for (const file of declarations) {
      // Comments (TSDoc prose, `//#region src/engine/...` markers) do not count: declarations do.
      const text = readFileSync(join(dir, 'dist', file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const name of internal)
        expect(text, `${file} mentions ${name}`).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('keeps prom-client and @opentelemetry/api out of the exporters at runtime (they use what the caller passes)', () => {
    for (const entry of ['prometheus/index.js', 'otel/index.js']) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        // Without comments: the TSDoc examples show how users import prom-client.
        const code = readFileSync(join(dir, 'dist', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
        expect(code, file).not.toMatch(
          /(?:from|import\(|require\()\s*["'](?:prom-client|@opentelemetry\/api)["']/,
        );
        for (const [, next] of code.matchAll(/from\s*["'](\.\.?\/[^"']+)["']/g)) {
          visit(join(file, '..', next!));
        }
      };
      visit(entry);
      expect(seen.size, entry).toBeGreaterThan(1);
    }
  });

  it('runs the built exporters against prom-client and the OpenTelemetry SDK', () => {
    const script = `
      import { Registry } from 'prom-client';
      import { MeterProvider } from '@opentelemetry/sdk-metrics';
      import { CircuitBreakerRegistry } from './dist/index.js';
      import { registerMetrics } from './dist/prometheus/index.js';
      import { instrumentRegistry } from './dist/otel/index.js';
      const registry = new CircuitBreakerRegistry();
      await registry.register('db').call(async () => 1);
      const register = new Registry();
      registerMetrics(registry, { register });
      instrumentRegistry(registry, { meter: new MeterProvider().getMeter('smoke') }).stop();
      console.log(await register.getSingleMetricAsString('circuit_breaker_calls_total'));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(output).toContain('circuit_breaker_calls_total{name="db",outcome="success"} 1');
  });

  it('imports no Redis client library at run time: the core never, breakwater/redis only works on the client it is given', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dir, 'dist', file), 'utf8');
      // Real import statements only (a TSDoc example may show `import Redis from 'ioredis'`).
      expect(code, file).not.toMatch(
        /^\s*import\b[^\n]*["'](?:ioredis|redis|@redis\/[^"']+)["']|\bimport\(\s*["'](?:ioredis|redis)["']/m,
      );
      for (const [, next] of code.matchAll(/(?:from|import\()\s*["'](\.\.?\/[^"']+)["']/g))
        visit(posix.join(posix.dirname(file), next!));
    };
    visit('index.js');
    visit('redis/index.js');
    expect(seen.has('redis/index.js')).toBe(true);
  });

  it('gives breakwater/opossum to import and to require(): the class itself, as opossum does', () => {
    const esm = `
      import CircuitBreaker, { MemoryCache, Status } from 'breakwater/opossum';
      const breaker = new CircuitBreaker((x) => Promise.resolve(x * 2), { name: 'double' });
      console.log(await breaker.fire(21), breaker.opened, typeof MemoryCache, typeof Status);
      breaker.shutdown();
    `;
    expect(
      execFileSync(process.execPath, ['--input-type=module', '-e', esm], {
        cwd: dir,
        encoding: 'utf8',
      }).trim(),
    ).toBe('42 false function function');
    const cjs = `
      const CircuitBreaker = require('breakwater/opossum');
      const breaker = new CircuitBreaker(function double(x) { return x * 2; });
      breaker.fire(4).then((value) => {
        console.log(typeof CircuitBreaker, value, breaker.name, typeof CircuitBreaker.MemoryCache);
        breaker.shutdown();
      });
    `;
    expect(
      execFileSync(process.execPath, ['--input-type=commonjs', '-e', cjs], {
        cwd: dir,
        encoding: 'utf8',
      }).trim(),
    ).toBe('function 8 double function');
  });

  it('types breakwater/opossum the way @types/opossum users write code', () => {
    const file = join(dir, 'opossum-user.ts');
    writeFileSync(
      file,
      `import CircuitBreaker from 'breakwater/opossum';
      const options: CircuitBreaker.Options<[number]> = { timeout: 3000, errorThresholdPercentage: 50, resetTimeout: 30000 };
      const breaker = new CircuitBreaker(async (x: number) => x * 2, options);
      breaker.fallback(() => 0);
      breaker.on('success', (result: number, latencyMs: number) => console.log(result, latencyMs));
      breaker.on('failure', (error, latencyMs, args) => console.log(error, latencyMs, args[0]));
      breaker.on('halfOpen', (resetTimeout: number) => console.log(resetTimeout));
      const doubled: Promise<number> = breaker.fire(21);
      const stats: CircuitBreaker.Stats = breaker.stats;
      console.log(doubled, stats.fires, breaker.opened, breaker.status.window.length, breaker.breaker.state);
      // @ts-expect-error fire() takes the action's parameters
      breaker.fire('21');
      `,
    );
    const run = () =>
      execFileSync(
        bin('tsc'),
        [
          '--ignoreConfig',
          '--noEmit',
          '--strict',
          '--module',
          'nodenext',
          '--target',
          'es2022',
          '--skipLibCheck',
          '--types',
          'node',
          file,
        ],
        { cwd: dir, encoding: 'utf8' },
      );
    expect(run).not.toThrow();
  }, 60_000); // tsc on a cold cache takes 15 s, more on a busy machine

  it('passes publint', () => {
    const output = execFileSync(bin('publint'), ['--strict'], { cwd: dir, encoding: 'utf8' });
    expect(output).toContain('All good');
  });

  it('passes arethetypeswrong for ESM consumers', () => {
    // attw exits non-zero on any problem outside the ignored CommonJS resolutions.
    const run = () =>
      execFileSync(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii'], {
        cwd: dir,
        encoding: 'utf8',
      });
    expect(run).not.toThrow();
  });

  it('ships the MIT license its package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const packed = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8' });
    const files = (JSON.parse(packed) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
  });

  it('ships the CLI with a shebang', () => {
    expect(readFileSync(join(dir, 'dist', 'cli', 'main.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(
      true,
    );
  });
});
