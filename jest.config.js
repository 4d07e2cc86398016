// jest.config.js: three tiers, selected by file suffix (the house style, ../shared/STYLE.md): unit, int, e2e.
// ts-jest in isolated-modules mode: per-file transpilation (types are checked once by `tsc --noEmit` in scripts/test.sh).
const tsJest = ['ts-jest', { isolatedModules: true, diagnostics: false }];
const moduleNameMapper = {
  '^@mammoth/(domain|events|event-store|platform|api-client|read-models)$': '<rootDir>/libs/$1/src',
  '^@mammoth/(domain|events|event-store|platform|api-client|read-models)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const base = { transform: { '^.+\\.ts$': tsJest }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/jest-timeouts.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/jest-timeouts.ts'],
    },
  ],
};
