import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/main': 'src/cli/main.ts',
    'fetch/index': 'src/fetch/index.ts',
    'prometheus/index': 'src/prometheus/index.ts',
    'otel/index': 'src/otel/index.ts',
    'http/index': 'src/http/index.ts',
    'redis/index': 'src/redis/index.ts',
    'opossum/index': 'src/opossum/index.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  unbundle: false,
  fixedExtension: false,
});
