import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // onnxruntime-node's native sessions are safest in forked processes.
    pool: 'forks',
    reporters: ['default'],
  },
});
