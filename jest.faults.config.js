/**
 * The reliability and security suite (`npm run test:faults`): long, real-process tests with figures.
 * FAULTS_SCALE=full runs the full counts; the default fits CI.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Builds dist/ when it is missing or stale: the tests start `node dist/main.js`.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // The last line names the test files skipped for want of a program npm does not install (test/helpers/needs.ts).
  reporters: ['default', '<rootDir>/test/helpers/skip-reporter.js'],
  testTimeout: 60 * 60_000,
  slowTestThreshold: 600,
};
