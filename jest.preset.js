// Shared Jest settings. Unit specs (*.spec.ts) need no I/O; integration specs
// (*.int.spec.ts) get real Postgres and Kafka from the testkit's global setup.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

module.exports = function preset({ integration = false } = {}) {
  return {
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': swc },
    moduleFileExtensions: ['ts', 'js', 'json'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    testTimeout: integration ? 60_000 : 5_000,
    ...(integration && {
      globalSetup: require.resolve('@payhook/testkit/jest-global-setup', { paths: [process.cwd()] }),
      globalTeardown: require.resolve('@payhook/testkit/jest-global-teardown', { paths: [process.cwd()] }),
    }),
  };
};
