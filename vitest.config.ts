import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; tests run them against the sources.
    alias: [
      { find: /^breakwater$/, replacement: `${src}index.ts` },
      { find: /^breakwater\/(.+)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
