const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // One worker more than the cores (Jest's default is one less: a single worker on a 2-core machine).
  // Most of an HTTP or end-to-end test's time is spent waiting for the eposd it started, a TLS
  // handshake or a timer, not computing: on the 2-core CI machine the suite took 536 s with Jest's
  // default and 264 s with 3 workers (docs/development.md).
  maxWorkers: availableParallelism() + 1,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The long fault suite has its own config and command: npm run test:faults.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // aedes 2 (the relay tests' broker, src/relay-gateway/embedded-broker.ts) is an ES module: Jest's
    // own module loader requires CommonJS on Node 20 (it takes ES modules from Node 24.9 on).
    '/node_modules/aedes/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'ecmascript', importAttributes: true } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!aedes/)'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  testTimeout: 30000,
  // Jest kills a worker that has not exited 500 ms after the run: on the loaded 2-core machine they took
  // longer, with nothing left open (--detectOpenHandles in band reports nothing; each worker's last
  // file ends with only its IPC pipe and stdio open), and the run ended "A worker process has failed
  // to exit gracefully". Measured in the same minutes, test/unit: the warning with 500 ms, none with
  // 5 s. A real leak (a timer, a socket) still holds a worker past 5 s and is still reported.
  workerGracefulExitTimeout: 5000,
  // The last line names the test files skipped for want of a program npm does not install (test/helpers/needs.ts).
  reporters: ['default', '<rootDir>/test/helpers/skip-reporter.js'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/openapi-conformance.ts'],
};
