// One jest run, four projects: pure domain rules, functions against the real embedded database,
// compiled weapp pages in miniprogram-simulate, and the H5 build in headless Chromium.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' } }];
const moduleNameMapper = {
  '^@dinghuo/shared$': '<rootDir>/shared/src/index.ts',
  '^@dinghuo/shared/(.*)$': '<rootDir>/shared/src/$1',
};
const base = { transform: { '^.+\\.(t|j)sx?$': swc }, moduleNameMapper, rootDir: __dirname };

module.exports = {
  // Generous on purpose: the tests wait for conditions, so a passing test never waits this long;
  // on a loaded 2-core machine (a build beside the suite) CPU-bound tests take 3-6x their idle time.
  testTimeout: 180000,
  projects: [
    { ...base, displayName: 'shared', testEnvironment: 'node', testMatch: ['<rootDir>/shared/test/**/*.test.ts', '<rootDir>/test/*.test.ts'] },
    {
      ...base,
      displayName: 'functions',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/cloudfunctions/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/noInternal.ts'],
    },
    {
      ...base,
      displayName: 'weapp',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/miniprogram/test/weapp/**/*.test.ts'],
      globalSetup: '<rootDir>/miniprogram/test/weapp/globalSetup.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/noInternal.ts'],
    },
  ],
};
